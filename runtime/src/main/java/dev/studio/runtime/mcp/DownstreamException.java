package dev.studio.runtime.mcp;

/**
 * A downstream that could not be used: unreachable, too slow, refusing our credentials, or
 * answering with a JSON-RPC error ({@code code} is then its code). The message names the
 * connection and what went wrong, never a credential.
 */
public final class DownstreamException extends RuntimeException {
  /** JSON-RPC: "server error" range, for failures of the downstream rather than of the request. */
  static final int UNAVAILABLE = -32001;
  static final int TIMEOUT = -32002;

  private final int code;

  DownstreamException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
