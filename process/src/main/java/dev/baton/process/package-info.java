/**
 * A process pool over worker JVMs: {@link dev.baton.process.ProcessPool}, CPython's {@code
 * multiprocessing.Pool} and {@code concurrent.futures.ProcessPoolExecutor} in one API.
 *
 * <h2>Workers</h2>
 *
 * A worker is a JVM started with this JVM's own {@code java} executable, the pool's class path (or
 * module path and main module {@code dev.baton.process}, derived from the running application by
 * {@code dev.baton.process.internal.WorkerLaunch} unless given) and the main class {@code
 * dev.baton.process.internal.WorkerMain}, with {@code -Xlog:disable -Xlog:all=warning:stderr
 * -Xlog:jfr+startup=error:stderr -XX:+DisplayVMOutputToStderr} so that no JVM message reaches its
 * stdout (a flight recording started with {@code -XX:StartFlightRecording} included), and {@code
 * -XX:+ExitOnOutOfMemoryError} so that an exhausted worker dies rather than limps. Its first act is
 * to move the protocol off descriptors 0 and 1 and point {@code System.out} at stderr (see {@code
 * dev.baton.process.internal.WorkerMain}): stdout carries frames only. Stderr is the worker's log:
 * the parent forwards each line, cut at 8192 chars, to the SLF4J logger {@code
 * dev.baton.process.worker.<worker name>} and keeps the last twenty for crash reports. Workers
 * start in parallel and serve many tasks; a worker exits when its stdin closes (the parent retired
 * it, or died; a busy worker also when its parent process is gone, even in the middle of a task),
 * and the parent destroys any worker left from a shutdown hook. An idle worker's task thread reads
 * stdin itself, so a task costs no thread hand-off in the worker.
 *
 * <h2>Protocol</h2>
 *
 * Frames over the worker's stdin and stdout: {@code magic:int ("BTN" 0x01) version:byte type:byte
 * id:long length:int payload}. The parent sends INIT (codec, allow-list and limits, initializer),
 * then TASK frames (kind, function id, the Java-serialized task or function, the arguments in the
 * pool's codec), CANCEL and FORGET frames. A map's function travels with the first chunk a worker
 * gets and by id after that, until a FORGET frame (sent past 64 functions) clears the worker's
 * store; the worker applies one deserialized instance to the items of many chunks. A lambda that
 * captures nothing is code without state: the pool serializes it once, gives it one id for its
 * lifetime, and so a worker deserializes it once and later tasks carry only the id. The worker
 * answers READY (its pid) or INIT_FAILED, then exactly one answer per task: RESULT or ERROR (the
 * task threw, its result could not be serialized, or its input was refused), in the order it
 * received the tasks, or CANCELLED, at once, for a task a CANCEL frame removed before it started; a
 * CANCEL for a task it has already started (or answered) is answered STARTED, at once, and the task
 * still gets its one answer. A frame with a wrong magic number, version or length is corruption:
 * the reader stops, logs the offending bytes and the worker is replaced.
 *
 * <p>Tracing: once a worker is READY the parent sends it a PING, which the worker answers at once
 * with a PONG carrying the worker's {@code nanoTime}. A TASK frame sent while the parent's {@link
 * dev.baton.core.trace.Tracer} is on carries a TRACED flag in its kind byte: the worker then opens
 * a trace session of its own (closed again by the first untraced task, so nothing is recorded when
 * the parent does not trace), records the task as a RUNNING span plus whatever its task thread
 * records meanwhile ({@link dev.baton.core.Blocking} sections as WAITING_FOR_IO, user marks), and
 * sends them in a SPANS frame just before the task's answer. The parent puts them on the worker's
 * lane ({@link dev.baton.process.PoolTrace#WORKER}, named after the worker, with its pid), shifted
 * by its estimate of the worker's clock offset: the intersection of the intervals the PING and
 * every traced task allow, whose midpoint is at most half the shortest round trip off, and which
 * keeps each task's events between its send and its answer. The same lane carries the parent's
 * marks: worker start, task sent, result received, and worker exit or crash.
 *
 * <p>A worker holds at most two tasks (one running, one waiting in its stdin); a map's small chunks
 * (its function already known to the worker by id, the chunk's items at most 64 KiB encoded) go up
 * to 32 deep, so that they travel and are answered in batches. The parent writes them under the
 * pool's lock, so the oldest unanswered task of a worker is always the one it is running, or has
 * just finished. When a worker goes idle while another holds a task sent ahead, the pool takes that
 * task back with a CANCEL frame (STARTED, or a result, instead means it had started: it stays
 * there), so no task waits behind a long one while a worker is free.
 *
 * <h2>Failure model</h2>
 *
 * What the caller gets, for every kind of failure and of hostile task, payload or caller. No call
 * waits on a dead or stopped worker, and a failure lands on the task that caused it.
 *
 * <ul>
 *   <li>A worker that ends (signal, {@code System.exit}, out of memory, JVM crash, corrupted
 *       stream) fails the one task it was running with {@link
 *       dev.baton.process.WorkerCrashedException} (pid, exit code or signal, stderr tail), or
 *       requeues it if it was submitted with retries left; the tasks sent behind it never started
 *       and go back to the front of the queue; a new worker replaces it. "The task it was running"
 *       is the oldest it had not answered, counted as possibly run even if the pool was taking it
 *       back at the time (a cancel the worker may not have acted on proves nothing): a task runs at
 *       most once unless it was submitted retryable. A worker writes the answers to map chunks in
 *       batches (flushed within a millisecond while it runs the next); one that dies in that
 *       millisecond fails the chunk whose answer it lost, and the chunk it had started after it
 *       runs again, so a map's function may run twice for an item when a worker crashes; a plain
 *       task ({@code submit}, {@code apply}) starts only after every earlier answer of its worker
 *       is sent.
 *   <li>A worker stopped by a signal (SIGSTOP) while it holds a task sent ahead and another worker
 *       is idle: after two seconds without an answer to the pool's cancel frame it is killed, as a
 *       crash (its running task fails with {@code WorkerCrashedException} saying it was stopped, or
 *       is retried), and the task sent ahead runs on the idle worker. Found through {@code /proc}:
 *       elsewhere such a task waits for the worker to resume, or for the task timeout.
 *   <li>A task over the task timeout: its worker is killed and replaced, the task's future fails
 *       with a {@link java.util.concurrent.TimeoutException} (how blocking calls throw it: {@link
 *       dev.baton.process.Pool}).
 *   <li>A call with a deadline ({@code submit}, {@code apply}, {@code map}, {@code imap} with a
 *       timeout, counted from the call): once it passes, each of its tasks not yet done fails with
 *       a {@link java.util.concurrent.TimeoutException}: a queued one leaves the queue, one sent
 *       ahead is taken back with a CANCEL frame, and the worker running one is killed and replaced
 *       ({@code dev.baton.process.internal.CallDeadline}).
 *   <li>A task that throws: {@link dev.baton.process.RemoteTaskException}, with the remote stack
 *       trace, and the original exception as cause when the allow-list lets it be deserialized; an
 *       exception whose text would make its frame larger than the byte limit arrives with its
 *       message and stack trace cut, and without the original. So does any exception however deep
 *       or cyclic its causes and suppressed entries: the worker prints them 32 levels deep (at most
 *       32 suppressed per exception, 256 exceptions), marks the cut and each cycle, and sends the
 *       original only when it lies within those bounds ({@code
 *       dev.baton.process.internal.ThrowableText}); the worker serves on, and a retryable task that
 *       threw is not retried (its worker did not crash).
 *   <li>A task that closes {@code System.in}, or writes to the real stdout ({@code new
 *       FileOutputStream(FileDescriptor.out)}): the protocol does not run on those descriptors, so
 *       the next task is unharmed; the write fails inside that task ("Stream Closed").
 *   <li>A value (argument or result) nested deeper than the depth limit (default 100), larger
 *       encoded than the byte limit (default 256 MiB), or so deep that writing or reading it
 *       overflows the stack: {@link dev.baton.process.TaskSerializationException} naming the limit
 *       (and, for size, how many bytes it reached before it was stopped). The same limits hold on
 *       both sides, when writing and when reading (the worker gets them in its init frame). For an
 *       argument it is thrown at submission, in the caller's thread, before anything is sent; for a
 *       result the worker refuses to send it, the task fails, the worker serves on, and a retryable
 *       task is not retried (its worker did not crash).
 *   <li>A value that is small but costly to read: sets or maps sharing sub-collections, whose hash
 *       codes take exponential time (forty nested levels of sets are a few kilobytes and 2^40
 *       steps): refused while it is read once the hashing it would take passes 64 steps per allowed
 *       reference (64 million by default), with {@code TaskSerializationException}; see {@link
 *       dev.baton.process.internal.SerialPolicy}. A result is decoded on a callback thread, or by
 *       the caller that waits for it, never on the thread that reads its worker's stream, so even
 *       within the limit a slow decoding delays no other task's answer.
 *   <li>A class not on the allow-list, in an argument, a result or an exception: the value is
 *       refused ({@code TaskSerializationException}; an exception arrives as text only); the worker
 *       serves on. A task or argument that cannot be serialized fails at submission, in the
 *       caller's thread.
 *   <li>A future's callback that calls the pool, waits for another task, or closes the pool:
 *       futures complete on the pool's callback threads, never on a thread the pool needs, so the
 *       call works (see {@link dev.baton.process.ProcessPool}).
 *   <li>Cancelling a queued task removes it (a task already sent ahead is dropped by the worker
 *       unless it started it before the cancel frame arrived); cancelling a running task with
 *       interruption kills and replaces its worker, without it lets the task finish and drops its
 *       result.
 *   <li>Workers that cannot start (bad option, class path, failing initializer) make {@code
 *       build()} fail with {@link dev.baton.process.WorkerStartException}; if replacements keep
 *       failing with no worker left, queued tasks fail with it rather than wait forever.
 *   <li>A task submitted after a shutdown: {@link java.util.concurrent.RejectedExecutionException}
 *       in the caller's thread.
 *   <li>After {@code close()} returns, every task's future is complete, and the pool's threads
 *       (timers, callbacks, stream readers) end.
 * </ul>
 *
 * <h2>Shared memory</h2>
 *
 * {@link dev.baton.process.SharedMemory} is a memory-mapped file the parent creates; a task that
 * captures it maps the same file in its worker (the block serializes as its name). A block's name
 * is unique for all time (creator pid, creator start time, 128 random bits): once the block is
 * closed, attaching by its name fails with {@link IllegalStateException}, in the parent and in any
 * worker, and nothing is ever written through a name that came to mean another file; a name that is
 * not a block's is refused with {@link IllegalArgumentException}. A block's file is deleted when it
 * is closed, when the pool that made it ({@link dev.baton.process.ProcessPool#sharedMemory})
 * terminates, when its creating JVM exits normally, and otherwise (creator killed) by the next
 * sweep: every pool start and termination and every block creation deletes the files of creators no
 * longer alive. How: {@code dev.baton.process.internal.SharedBlocks}.
 *
 * <h2>Start-up</h2>
 *
 * By default, on JDK 25 with a class path of jars, workers start from an AOT cache trained once in
 * the background ({@code dev.baton.process.internal.AotCache#defaultOption}).
 *
 * <h2>Security</h2>
 *
 * Java deserialization, in both directions, goes through an {@link java.io.ObjectInputFilter}
 * allow-list: a class no pattern allows is rejected (undecided is rejected), as are streams over
 * the depth, reference and byte limits. The compact codec writes common data (primitives, strings,
 * byte arrays, lists, sets, maps and records of those) without Java serialization, and checks a
 * record's class against the same allow-list before constructing it.
 *
 * <p>Threading: {@code ProcessPool} may be used from any thread; its waits run inside {@link
 * dev.baton.core.Blocking#call}.
 */
package dev.baton.process;
