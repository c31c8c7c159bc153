/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio.
 *
 * <h2>Iteration</h2>
 *
 * <p>One pass of {@link dev.baton.eventloop.EventLoop}: move what other threads submitted through
 * {@code callSoonThreadSafe} (a JCTools MPSC queue) to the ready ring; run exactly the callbacks
 * that were ready when the pass began (what they schedule runs in the next pass); run the timers
 * that expired by the start of the pass; then, if nothing is ready, wait in the selector (or park,
 * when no channel is registered) until the next timer, an I/O event or a wake-up; if callbacks are
 * ready, poll the selector without waiting so I/O is not starved. I/O handlers run during the
 * selection and only complete futures. The wait runs inside core's {@link
 * dev.baton.core.Blocking#call}, so a loop on a GIL thread releases its GIL while it sleeps. A
 * thread that submits wakes a sleeping loop at most once per sleep. Each pass reads the clock once
 * at its end, and once at its start unless it follows the previous pass directly (no sleep, no I/O
 * poll in between), when that pass's end stands for it; a pass longer than the slow-callback
 * threshold is logged, naming the step the watchdog thread saw running for that long.
 *
 * <h2>Tasks</h2>
 *
 * <p>A {@link dev.baton.eventloop.Task} is sequential code with a stack of its own, run by the loop
 * one <em>step</em> at a time: a step is a callback that resumes the task, and ends when the task
 * calls {@link dev.baton.eventloop.Tasks#await} on a pending future or returns. The task's next
 * step is that future's done callback, so it runs in the pass after the future completes, as
 * asyncio's {@code Task.__wakeup} does; {@code Tasks.sleep(Duration.ZERO)} queues the next step
 * directly (asyncio's bare {@code yield}), one pass later. Exactly one side runs at a time, the
 * loop or one task: the baton. Two mechanisms give tasks their stack, with the same semantics: a
 * virtual thread per task, handing the baton over with a volatile flag and park/unpark, and {@code
 * jdk.internal.vm.Continuation} run on the loop's own thread, where a step is {@code run()} and an
 * await is {@code yield()}. While a task's step runs on its virtual thread, that thread is the
 * loop's owner for loop-only calls.
 *
 * <p>Cancellation follows asyncio: {@code cancel()} cancels the future the task awaits and delivers
 * a {@link dev.baton.eventloop.CancelledException} there; cancel scopes ({@link
 * dev.baton.eventloop.Tasks#timeout}) follow Trio: once expired, every await inside them fails
 * until they exit. A cancellation is delivered at a resumption of the task: an await that would
 * throw one at once first lets the loop run a pass, as asyncio yields at every await.
 *
 * <h2>Threading</h2>
 *
 * <p>Everything is loop-confined unless a method says "any thread"; loop-only methods called from
 * another thread throw {@link dev.baton.eventloop.NotOnLoopThreadException}, always. Exceptions
 * thrown by callbacks are logged through SLF4J and never stop the loop; failures in tasks and I/O
 * go to the futures tasks await.
 *
 * <h2>Failure model</h2>
 *
 * <p>What the caller gets when the code or the peers it deals with are hostile:
 *
 * <ul>
 *   <li>A step that never awaits (a CPU loop, a blocking call): nothing pre-empts it, as in
 *       asyncio; every pass longer than the slow-callback threshold is logged at WARN with the
 *       stack of the step the watchdog saw. A blocking wait on a loop future from the loop or one
 *       of its tasks throws {@link dev.baton.eventloop.BlockingOperationException} instead of
 *       deadlocking.
 *   <li>A task that swallows {@link dev.baton.eventloop.CancelledException}, even in a loop inside
 *       an expired {@link dev.baton.eventloop.Tasks#timeout}: it gets one at each await, after one
 *       pass of the loop each time, so the other tasks keep running; the timeout ends when its body
 *       exits.
 *   <li>A callback or I/O handler that throws: logged once with its context; the loop goes on.
 *   <li>A peer that resets, closes early or stops reading: {@link java.io.IOException}, {@link
 *       dev.baton.eventloop.IncompleteReadException} or a drain that waits, at the task that reads
 *       or writes, never on the loop thread; a connection keeps naming its peer afterwards. A line
 *       or separator past the reader's limit: {@link dev.baton.eventloop.LimitOverrunException};
 *       unread input beyond twice the limit pauses reading from the socket.
 *   <li>A server out of file descriptors (or socket buffers): accepting pauses with a back-off and
 *       resumes by itself, one WARN per period ({@link dev.baton.eventloop.Server}).
 *   <li>Misuse: loop-only calls from another thread throw {@link
 *       dev.baton.eventloop.NotOnLoopThreadException}; awaiting outside a task throws {@link
 *       dev.baton.eventloop.AwaitOutsideTaskException}; a future completed twice throws {@link
 *       dev.baton.eventloop.InvalidStateException}.
 * </ul>
 */
package dev.baton.eventloop;
