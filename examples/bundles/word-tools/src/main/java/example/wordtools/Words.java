package example.wordtools;

/** Word counting. */
final class Words {
  private Words() {}

  static int count(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }
}
