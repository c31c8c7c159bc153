/**
 * The contracts that hold Baton's modules together.
 *
 * <h2>Guard</h2>
 *
 * <p>A {@link dev.baton.core.Guard} answers one question: may the current thread touch the objects
 * that I guard? The object model asks it before every operation; the GIL implements it (the thread
 * holding the GIL may); a free-threaded runtime uses {@link dev.baton.core.Guard#none()}. A guard
 * that says no throws {@link dev.baton.core.BatonMisuseException}, which names the thread and the
 * guard.
 *
 * <h2>Blocking</h2>
 *
 * <p>{@link dev.baton.core.Blocking} is the release-on-I/O contract, CPython's {@code
 * Py_BEGIN_ALLOW_THREADS} for every module: a blocking wait anywhere in Baton (a selector, a wait
 * for a worker's result, a join, a sleep) runs inside {@code Blocking.call} or {@code
 * Blocking.run}. A thread may have a {@link dev.baton.core.BlockingHandler} installed; a GIL
 * runtime installs one that releases its GIL before the wait and takes it back after. This is how
 * the event loop and the process pool cooperate with a GIL without depending on the gil module.
 * Threads that take turns (an event loop's thread and its tasks' threads) move what the handler
 * holds with their baton: the contract is in {@link dev.baton.core.BlockingHandler}.
 *
 * <h2>Threading</h2>
 *
 * <p>Handlers are per thread (a thread-local stack), so no state here is shared between threads.
 * Misuse of the runtime is reported with {@link dev.baton.core.BatonMisuseException}.
 *
 * <h2>Failure model</h2>
 *
 * <p>What the caller of core gets for each kind of hostile input:
 *
 * <ul>
 *   <li>Touching guarded objects without the guard (for a GIL: without holding it): {@link
 *       dev.baton.core.BatonMisuseException}, before anything changes.
 *   <li>A decref below zero (count unchanged), a closed {@code OwnedRef} used, any other use after
 *       deallocation: {@link dev.baton.core.object.UseAfterFreeException}.
 *   <li>A reference from a container to an object of another space: {@link
 *       dev.baton.core.BatonMisuseException} at the store, nothing changed; spaces share only
 *       immortals.
 *   <li>A leaked object (reclaimed by Java with a count above zero): counted and logged once at the
 *       chosen {@link dev.baton.core.object.LeakDetection} level.
 *   <li>A finalizer, weak-reference callback or close action that throws: logged and ignored, as
 *       CPython does with {@code __del__}. A chain of a million objects deallocates without growing
 *       the stack.
 *   <li>A blocking handler closed on another thread, twice or out of order: {@link
 *       dev.baton.core.BatonMisuseException}; a handler's {@code exit()} failing after a failed
 *       action is added to the action's exception as suppressed.
 * </ul>
 */
package dev.baton.core;
