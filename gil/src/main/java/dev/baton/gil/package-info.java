/**
 * Baton's global interpreter lock and the runtime around it.
 *
 * <h2>What is here</h2>
 *
 * <p>{@link dev.baton.gil.GilRuntime} is one "interpreter": a {@link dev.baton.gil.Gil} and the
 * threads that run under it ({@code startThread}, {@code ensure()}). The GIL lets one thread at a
 * time run; the holder passes it on at {@linkplain dev.baton.gil.Gil#checkpoint() checkpoints} when
 * another thread has asked for it (after one switch interval, CPython's periodic release), and
 * gives it up around blocking calls (CPython's release on I/O). {@link dev.baton.gil.GilPolicy}
 * chooses between CPython's scheduling, convoy effect included, and a FIFO hand-off that has none.
 * {@link dev.baton.gil.GilThreads} holds GIL-aware forms of sleep, join, {@code Future.get} and
 * {@code Process.waitFor}; {@link dev.baton.gil.GilStats} is a snapshot of the GIL's counters and
 * load.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Objects guarded by a runtime's GIL may be touched only by the thread holding it. {@code
 *       Gil} implements core's {@link dev.baton.core.Guard}, whose check is also a checkpoint.
 *   <li>A runtime thread, and a thread inside {@code ensure()}, has a {@link
 *       dev.baton.core.BlockingHandler} installed that releases the GIL for each {@link
 *       dev.baton.core.Blocking} section and takes it back, uninterruptibly, after it.
 *   <li>Between two checkpoints the holder is never preempted by a thread of its runtime: a
 *       read-modify-write without a checkpoint inside it is atomic with respect to them.
 *   <li>Runtimes are independent: a thread may hold the GILs of two runtimes, and {@link
 *       dev.baton.gil.Gil#current()} finds the one it holds.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>At most one thread holds a GIL; the GIL is not reentrant (use {@code ensure()}, which
 *       nests).
 *   <li>After a requested drop the dropping thread does not get the GIL back before some other
 *       thread has had it (forced switching).
 *   <li>The uncontended paths (acquire, release, checkpoint) take no lock, allocate nothing and log
 *       nothing; the hot fields sit on separate cache lines (see {@code GilFields}).
 * </ul>
 *
 * <p>Misuse throws subclasses of {@link dev.baton.core.BatonMisuseException}: {@link
 * dev.baton.gil.GilNotHeldException}, {@link dev.baton.gil.GilAlreadyHeldException}, {@link
 * dev.baton.gil.GilRuntimeClosedException}.
 */
package dev.baton.gil;
