/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio.
 *
 * <h2>Iteration</h2>
 *
 * <p>One pass of {@link dev.baton.eventloop.EventLoop}: move what other threads submitted through
 * {@code callSoonThreadSafe} (a JCTools MPSC queue) to the ready ring; run exactly the callbacks
 * that were ready when the pass began (what they schedule runs in the next pass); run the timers
 * that expired by the start of the pass; then, if nothing is ready, wait in the selector (or park,
 * when no channel is registered) until the next timer, an I/O event or a wake-up. The wait runs
 * inside core's {@link dev.baton.core.Blocking#call}, so a loop on a GIL thread releases its GIL
 * while it sleeps. A thread that submits wakes a sleeping loop at most once per sleep.
 *
 * <h2>Threading</h2>
 *
 * <p>Everything is loop-confined unless a method says "any thread"; loop-only methods called from
 * another thread throw {@link dev.baton.eventloop.NotOnLoopThreadException}, always. Exceptions
 * thrown by callbacks are logged through SLF4J and never stop the loop.
 */
package dev.baton.eventloop;
