/**
 * Mozilla Rhino scripts under a Baton GIL runtime.
 *
 * <h2>What is here</h2>
 *
 * <p>{@link dev.baton.rhino.GilContextFactory} is a Rhino {@code ContextFactory} bound to one
 * {@link dev.baton.gil.GilRuntime}: its contexts hold the runtime's GIL whenever they run script
 * code, pass it on at the interpreter's instruction observer, and give scripts the globals {@code
 * threading} (threads that share the scope, {@code Lock}, {@code Event}, {@code Queue}, {@code
 * sleep}) and {@code io} (an HTTP GET), whose waits release the GIL. Where the checkpoints fall,
 * and so which script statements are atomic under the GIL, is written in that class.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Rhino's scopes and objects are not safe for concurrent use; under a factory of this package
 *       only the GIL holder touches them, so scripts that share a scope need no other lock for
 *       single steps (a property write, an array push), as in CPython.
 *   <li>Script code never runs on a thread that does not hold the GIL: each top-level call takes it
 *       ({@code GilRuntime.ensure()}, which nests) and gives it back when it returns or throws.
 *   <li>Host functions of the globals run on the calling script thread, holding the GIL; only their
 *       waits run without it, inside a {@link dev.baton.core.Blocking} section.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Between two checkpoints a script thread is not preempted by another thread of the runtime:
 *       straight-line code between two jumps and calls is atomic with respect to them.
 *   <li>A script thread that ends, normally or with an exception or an {@link Error}, has released
 *       the GIL; what ended it is its {@code error()} and goes to the runtime's uncaught-exception
 *       handler.
 *   <li>No script holds the GIL forever by itself: interpreted code passes a checkpoint at every
 *       jump and call, the JDK's blocking calls release the GIL, and {@code
 *       GilContextFactory.close(timeout)} ends the script threads left after its timeout.
 * </ul>
 *
 * <h2>What remains</h2>
 *
 * <ul>
 *   <li>A Java method outside the JDK's blocking calls (the program's own, JDBC, {@code
 *       Object.wait}) keeps the GIL while it blocks, as a C extension without {@code
 *       Py_BEGIN_ALLOW_THREADS}; wrap it in a host function that waits in a {@link
 *       dev.baton.core.Blocking} section.
 *   <li>Compiled mode has no checkpoint at calls; a Java call that ignores interrupts is not ended
 *       by {@code close(timeout)}.
 *   <li>{@code GilRuntime.close(timeout)} called directly (not the factory's) ends only the script
 *       threads that reach a checkpoint; one waiting on a primitive is not interrupted and, as a
 *       non-daemon thread, keeps the JVM alive: close through the factory.
 * </ul>
 */
package dev.baton.rhino;
