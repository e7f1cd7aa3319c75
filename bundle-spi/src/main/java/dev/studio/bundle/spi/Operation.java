package dev.studio.bundle.spi;

/** A named request-response operation of a bundle. */
@FunctionalInterface
public interface Operation {
  /**
   * Returns the result as a JSON-able value. Throw {@link OperationException} to answer the caller
   * with a 4xx status and a message; any other exception answers 500 without its details.
   */
  Object invoke(OperationCall call) throws Exception;
}
