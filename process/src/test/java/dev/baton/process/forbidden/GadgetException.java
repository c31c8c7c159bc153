package dev.baton.process.forbidden;

/** An exception whose class the parent is not allowed to deserialize. */
public final class GadgetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the message
   */
  public GadgetException(String message) {
    super(message);
  }
}
