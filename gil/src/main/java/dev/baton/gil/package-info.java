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
 *   <li>Runtimes are independent, and a thread holds one runtime's GIL at a time when it enters
 *       runtimes through {@code ensure()}, which releases the GIL it holds while it is in another
 *       runtime (CPython's thread-state swap). {@link dev.baton.gil.Gil#current()} finds the GIL a
 *       thread holds.
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
 * <h2>Deterministic schedules</h2>
 *
 * <p>A runtime built with a {@link dev.baton.gil.GilSchedule} ({@code GilRuntime.Builder.schedule})
 * lets a seeded generator or a {@link dev.baton.gil.ScheduleLog} decide every hand-off instead of
 * time, records the hand-offs, and replays a log exactly (a run that does otherwise is reported
 * with {@link dev.baton.gil.ScheduleDivergedException}); sleeps, joins and the waits of every
 * GIL-aware primitive below are the schedule's and run on a virtual clock, so such a wait nobody
 * can end is a deadlock {@link dev.baton.gil.GilSchedule#deadlock()} reports. A thread that blocks
 * outside the schedule (a monitor, a {@code java.util.concurrent} lock, real I/O) ends the run as
 * {@link dev.baton.gil.GilSchedule#blocked()}, at once when the JVM's lock graph proves it, else
 * after the schedule's blocking budget. Under a schedule the primitives' waits are woken by the
 * runtime's own threads (a thread outside it that sets an event does not wake a scheduled waiter).
 * The design is in {@code DeterministicSync}'s block comment; {@link dev.baton.gil.sched} searches
 * schedules for races.
 *
 * <h2>GIL-aware primitives</h2>
 *
 * <p>Python's {@code threading} and {@code queue} for runtime threads: {@link
 * dev.baton.gil.GilLock} and {@link dev.baton.gil.GilRLock} (both {@link
 * dev.baton.gil.GilAcquirable}), {@link dev.baton.gil.GilCondition}, {@link
 * dev.baton.gil.GilEvent}, {@link dev.baton.gil.GilSemaphore}, {@link
 * dev.baton.gil.GilBoundedSemaphore}, {@link dev.baton.gil.GilQueue}; and views whose blocking I/O
 * releases the GIL: {@link dev.baton.gil.GilIO} (streams, byte channels), {@link
 * dev.baton.gil.GilSocket}, {@link dev.baton.gil.GilServerSocket}. They share these rules:
 *
 * <ul>
 *   <li>Every call that acquires, releases, waits, signals or does I/O is a checkpoint on entry
 *       ({@link dev.baton.gil.Gil#checkpointIfHeld()}); snapshot getters are not.
 *   <li>A call first tries without waiting and, if it succeeds, keeps the GIL; only a real wait
 *       runs inside a {@link dev.baton.core.Blocking} section, so the GIL is released exactly while
 *       the thread waits and held again when the call returns or throws.
 *   <li>No lock-order deadlock with the GIL: a primitive's waits always release the GIL, and its
 *       internal JDK lock (if any) is held only for a few steps, never while waiting for the GIL.
 *   <li>Timeouts are {@link java.time.Duration}s: zero means "do not wait", negative is rejected.
 *       Blocking forms throw {@link java.lang.InterruptedException} when interrupted on entry or
 *       while waiting, having changed nothing.
 *   <li>Built on java.util.concurrent ({@code AbstractQueuedSynchronizer}, {@code ReentrantLock}
 *       and its conditions) and on blocking-mode NIO channels.
 *   <li>Named as their java.util.concurrent counterparts, with their return conventions: locks
 *       {@code lock}, {@code tryLock}, {@code unlock}, {@code isLocked} (plus {@code hold()} and
 *       {@code withLock(body)}, as the event loop's {@code AsyncLock}); the queue {@code put},
 *       {@code offer}, {@code take}, {@code poll}, {@code size}, {@code capacity}; conditions
 *       {@code await} and {@code signal}; semaphores {@code acquire}, {@code tryAcquire}, {@code
 *       release}. A wait that gives up returns false or null, as j.u.c.'s do, where Python raises.
 *       Each method's Javadoc gives the Python name.
 * </ul>
 *
 * <p>Misuse of the GIL or of a primitive (releasing a GIL or a lock one does not hold, acquiring a
 * GIL one holds, waiting on a condition without its lock, over-releasing a bounded semaphore, an
 * unmatched {@code taskDone()}) throws core's {@link dev.baton.core.BatonMisuseException}, its
 * message naming the thread, the object and what to do instead. New work offered to a closed
 * runtime (a thread start, an {@code ensure()}, an {@code acquire()} of its GIL) throws {@link
 * java.util.concurrent.RejectedExecutionException}.
 *
 * <h2>Failure model</h2>
 *
 * <p>What the caller gets when threads or callers are hostile:
 *
 * <ul>
 *   <li>A holder that never reaches a checkpoint: nothing pre-empts it, as in CPython; after the
 *       watchdog threshold a waiter logs it at WARN with its stack (once per tenure, at most one
 *       line per 10 s, all counted in {@link dev.baton.gil.GilStats}).
 *   <li>A thread that ends while holding the GIL: the next waiter takes the GIL back and logs it.
 *   <li>Threads entering each other's runtimes in opposite orders through {@code ensure()}: no
 *       deadlock, each holds one GIL at a time. Raw {@link dev.baton.gil.Gil#acquire()} of a second
 *       runtime's GIL while holding one can deadlock, as two locks taken in opposite orders do; the
 *       watchdog names such a holder as waiting for a GIL.
 *   <li>An object of another runtime: touching it without that runtime's GIL throws {@link
 *       dev.baton.core.BatonMisuseException}; storing it in a container of this runtime throws it
 *       too and changes nothing.
 *   <li>A non-daemon thread that never ends: {@link dev.baton.gil.GilRuntime#close()} waits for it,
 *       releasing every GIL the caller holds meanwhile; {@link
 *       dev.baton.gil.GilRuntime#close(java.time.Duration)} gives up after its timeout, closes the
 *       runtime all the same, logs the thread with its stack and returns false.
 *   <li>Interrupts: taking the GIL is uninterruptible and keeps the interrupt status; the blocking
 *       forms of the primitives throw {@link java.lang.InterruptedException} having changed
 *       nothing.
 *   <li>Misuse (releasing a GIL not held, acquiring it twice, using a closed runtime, closing a
 *       token on another thread or twice): the exceptions above, naming the thread.
 * </ul>
 */
package dev.baton.gil;
