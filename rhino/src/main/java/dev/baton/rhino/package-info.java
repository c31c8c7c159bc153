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
 *   <li>Between two observer calls a script thread is not preempted by another thread of the
 *       runtime: straight-line code between two jumps is atomic with respect to them.
 *   <li>A script thread that ends, normally or with an exception, has released the GIL; its
 *       exception goes to the runtime's uncaught-exception handler.
 * </ul>
 */
package dev.baton.rhino;
