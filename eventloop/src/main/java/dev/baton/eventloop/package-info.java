/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio.
 *
 * <h2>Tasks</h2>
 *
 * <p>{@link dev.baton.eventloop.Task}s run on the loop, one <em>step</em> at a time: a step is a
 * callback that resumes the task and ends when the task calls {@link
 * dev.baton.eventloop.Tasks#await} on a pending future or returns. Two mechanisms give tasks their
 * stack ({@link dev.baton.eventloop.TaskMechanism}), with the same semantics: exactly one side runs
 * at a time, the loop or one task.
 *
 * <h2>Threading</h2>
 *
 * <p>Everything is loop-confined unless a method says "any thread"; an any-thread twin of an
 * on-loop method {@code x} is named {@code xThreadSafe}, as asyncio names them. A loop-only method
 * called from another thread throws {@link dev.baton.core.BatonMisuseException}, always. Exceptions
 * thrown by callbacks are logged through SLF4J and never stop the loop; failures in tasks and I/O
 * go to the futures tasks await.
 *
 * <h2>Names</h2>
 *
 * <p>A type with a {@code java.util.concurrent} counterpart uses that counterpart's method names
 * and return conventions, with suspension in place of blocking: {@link
 * dev.baton.eventloop.AsyncQueue} ({@code put/offer/take/poll}), {@link
 * dev.baton.eventloop.AsyncLock} ({@code lock/tryLock/unlock}), {@link
 * dev.baton.eventloop.AsyncCondition}, {@link dev.baton.eventloop.AsyncSemaphore}, and {@link
 * dev.baton.eventloop.Future}, which is a {@link java.util.concurrent.Future}. The others keep
 * asyncio's names in camelCase ({@code callSoon}, {@code createTask}, {@code gather}). Every
 * method's Javadoc gives the Python name.
 *
 * <h2>Failure model</h2>
 *
 * <p>What the caller gets when the code or the peers it deals with are hostile:
 *
 * <ul>
 *   <li>A step that never awaits (a CPU loop, a blocking call): nothing pre-empts it, as in
 *       asyncio; a pass longer than the slow-callback threshold is logged at WARN naming the step
 *       (a task by its name, a lambda by its declaring class and the method it was running), and a
 *       step that blocks the loop past the blocked threshold has its stack logged. A blocking wait
 *       on a loop future from the loop or one of its tasks throws {@link
 *       dev.baton.core.BatonMisuseException} instead of deadlocking.
 *   <li>A task that swallows {@link java.util.concurrent.CancellationException}, even in a loop
 *       inside an expired {@link dev.baton.eventloop.Tasks#timeout}: it gets one at each await,
 *       after one pass of the loop each time, so the other tasks keep running; the timeout ends
 *       when its body exits, with a {@link java.util.concurrent.TimeoutException}.
 *   <li>A callback or I/O handler that throws: logged once with its context; the loop goes on.
 *   <li>A peer that resets, closes early or stops reading: {@link java.io.IOException}, {@link
 *       dev.baton.eventloop.IncompleteReadException} or a drain that waits, at the task that reads
 *       or writes, never on the loop thread; a connection keeps naming its peer afterwards. A line
 *       or separator past the reader's limit: {@link dev.baton.eventloop.LimitOverrunException};
 *       unread input beyond twice the limit pauses reading from the socket.
 *   <li>A TLS peer that fails the handshake (untrusted or expired certificate, a stall past the
 *       limit), stops inside a record or asks to renegotiate: a {@link javax.net.ssl.SSLException}
 *       on that connection only ({@link dev.baton.eventloop.TlsOptions}). A UDP datagram the kernel
 *       refuses or an ICMP port unreachable: an {@link java.io.IOException} at the one send or
 *       receive it belongs to ({@link dev.baton.eventloop.DatagramEndpoint}). A child process that
 *       floods a pipe nobody reads blocks on it; one that never exits is killed by {@code
 *       communicate}'s timeout ({@link dev.baton.eventloop.Subprocess}).
 *   <li>A server out of file descriptors (or socket buffers): accepting pauses with a back-off and
 *       resumes by itself, one WARN per period ({@link dev.baton.eventloop.Server}).
 *   <li>Misuse (a loop-only call from another thread, an await outside a task, a future completed
 *       twice, an unlock of a lock not locked): {@link dev.baton.core.BatonMisuseException}, whose
 *       message says what was done, by which thread, and what to do instead. Work given to a closed
 *       loop: {@link java.util.concurrent.RejectedExecutionException}; work given from another
 *       thread as the loop closes is refused so, or run, never dropped.
 *   <li>The failures of a {@link dev.baton.eventloop.TaskGroup}: one {@link
 *       dev.baton.eventloop.TaskGroupException} carrying all of them.
 * </ul>
 *
 * <p>The design is in the block comments at the top of the classes that implement it: {@link
 * dev.baton.eventloop.EventLoop} (its layers), then the package-private {@code LoopPass} (the pass,
 * the sleep, the cross-thread wake-up), {@code LoopInbox} (what other threads submit, and the close
 * that never drops it) and {@code LoopDiagnostics}.
 */
package dev.baton.eventloop;
