package dev.baton.core;

/**
 * What a thread does around a blocking action: a GIL runtime's handler releases the GIL in {@link
 * #enter()} and takes it back in {@link #exit()}.
 *
 * <p>Both methods are called on the blocking thread itself, in pairs: {@code exit()} is called
 * exactly once after each {@code enter()} that returned normally, even when the action throws. They
 * are not called for a blocking section nested inside another one of the same handler (the GIL is
 * already released there).
 */
public interface BlockingHandler {

  /**
   * Called just before the blocking action runs. If this throws, the action does not run and {@link
   * #exit()} is not called.
   */
  void enter();

  /**
   * Called just after the blocking action ends, normally or not. Should not be interruptible: a
   * thread interrupted while blocked must still get back what {@link #enter()} gave up.
   */
  void exit();
}
