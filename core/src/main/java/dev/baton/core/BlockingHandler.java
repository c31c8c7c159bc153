package dev.baton.core;

/**
 * What a thread does around a blocking action: a GIL runtime's handler releases the GIL in {@link
 * #enter()} and takes it back in {@link #exit()}.
 *
 * <p>Both methods are called on the blocking thread itself, in pairs: {@code exit()} is called
 * exactly once after each {@code enter()} that returned normally, even when the action throws. They
 * are not called for a blocking section nested inside another one of the same handler (the GIL is
 * already released there).
 *
 * <h2>Taking turns</h2>
 *
 * <p>Some threads run strictly one at a time on behalf of one another: an event loop's thread and
 * the threads its tasks run on, which pass a baton back and forth (only the baton's holder runs).
 * What the handler's thread holds (a GIL) must then travel with the baton, so that each task step
 * runs holding it, as asyncio's tasks run inside the interpreter's thread. The contract:
 *
 * <ol>
 *   <li>The first time a thread {@code t} is to run a turn for the handler's thread, that thread
 *       asks {@link #turnTaker()} for the handler {@code t} installs ({@link
 *       Blocking#install(BlockingHandler)}) for as long as it takes turns, so that {@code t}'s own
 *       blocking calls give up what it holds.
 *   <li>Just before the baton passes, the thread giving it calls {@link #passTurn(Thread)} on its
 *       handler (the loop's thread on its own handler, a task's thread on its turn-taker handler)
 *       with the thread that gets it. What moves is never released in between: no other thread gets
 *       it at a turn; it gets it at the receiver's checkpoints and blocking sections as usual.
 *   <li>{@code passTurn} is called outside blocking sections, by the thread that holds what moves;
 *       a thread that does not hold it (inside a blocking section, say) moves nothing.
 * </ol>
 *
 * <p>A loop also calls {@link #checkpoint()} between its steps, so that a loop whose steps never
 * block still lets other threads have the GIL when they ask. The defaults move nothing and do
 * nothing: a handler that holds nothing needs no change.
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

  /**
   * Moves what this handler's thread holds (a GIL) straight to {@code next}, which runs the next
   * turn while the caller waits; see "Taking turns" above. Called on the thread that holds it,
   * outside a blocking section, just before the baton passes. The default moves nothing.
   *
   * @param next the thread that runs next
   */
  default void passTurn(Thread next) {}

  /**
   * A new handler for a thread that will take turns with this handler's thread; see "Taking turns"
   * above. The default returns null: there is nothing to move, and the turn-taker needs none.
   *
   * @return the handler to install on the turn-taking thread, or null
   */
  default BlockingHandler turnTaker() {
    return null;
  }

  /**
   * A point between two steps of the handler's thread where it lets other threads have what it
   * holds if one asked for it (a GIL checkpoint). Called outside blocking sections. The default
   * does nothing.
   */
  default void checkpoint() {}
}
