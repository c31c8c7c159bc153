package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RefCountStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One "interpreter": a {@link Gil}, the {@linkplain #objects() objects} it guards, and the threads
 * that run under it. Several runtimes in one JVM are independent (a GIL per interpreter, as in PEP
 * 684); a runtime built with the GIL off is the free-threaded mode (PEP 703), for comparisons.
 *
 * <pre>{@code
 * try (GilRuntime runtime = GilRuntime.builder().name("main").build()) {
 *   runtime.startThread("worker", () -> {
 *     for (int i = 0; i < 1_000_000; i++) {
 *       work(i);
 *       runtime.gil().checkpoint(); // lets other threads have the GIL when they ask
 *     }
 *   });
 * } // close() waits for "worker", as interpreter shutdown waits for non-daemon threads
 * }</pre>
 *
 * <h2>Threading contract</h2>
 *
 * <p>Every method may be called from any thread. A runtime thread holds the GIL while its body
 * runs, except inside blocking sections ({@link Blocking}, {@link GilThreads}), where the runtime's
 * handler releases it. {@link #ensure()} gives the same to any other thread for a scope.
 *
 * <h2>Shutdown</h2>
 *
 * <p>{@link #close()} waits for the non-daemon threads (releasing the GIL while it waits if the
 * caller holds it), then refuses new work: {@link #startThread}, {@link #ensure()} and {@link
 * Gil#acquire()} throw {@link RejectedExecutionException}. Daemon threads are not waited for; they
 * may finish what they are doing. {@link #close(Duration)} bounds the wait, for shutdowns that must
 * not hang on a thread that never ends.
 */
public final class GilRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GilRuntime.class);
  private static final AtomicInteger NEXT_ID = new AtomicInteger(1);

  private final String name;
  private final Gil gil;
  private final boolean virtualThreads;
  private final Thread.UncaughtExceptionHandler uncaughtHandler;
  private final ObjectSpace objects;

  /** Null unless the builder asked for one. */
  private final BlockingDetector detector;

  /** Non-null when built with a {@link GilSchedule}. */
  private final DeterministicSync scheduler;

  /** Guards {@link #closed} together with additions to {@link #nonDaemon}. */
  private final Object lifecycle = new Object();

  /** Non-daemon runtime threads that have not ended; close() waits for them. */
  private final Set<Thread> nonDaemon = ConcurrentHashMap.newKeySet();

  /** Written under {@link #lifecycle}; read without it. */
  private volatile boolean closed;

  /** SIGINT's handler before this runtime's, restored at close; null when none was installed. */
  private final SigintDelivery sigint;

  private GilRuntime(Builder builder) {
    this.name = builder.name != null ? builder.name : "runtime-" + NEXT_ID.getAndIncrement();
    this.gil =
        new Gil(
            name,
            builder.policy,
            builder.switchInterval,
            builder.gil,
            builder.watchdogThreshold,
            builder.holdTiming,
            builder.schedule);
    this.scheduler = gil.scheduler();
    this.virtualThreads = builder.virtualThreads;
    this.uncaughtHandler = builder.uncaughtHandler;
    this.objects =
        builder.gil
            ? ObjectSpace.builder().name(name).guard(gil).strategy(RefCountStrategy.PLAIN).build()
            : ObjectSpace.builder()
                .name(name)
                .guard(Guard.none())
                .strategy(RefCountStrategy.BIASED)
                .build();
    SigintDelivery delivery = null;
    if (builder.keyboardInterrupt) {
      try {
        delivery = SigintDelivery.install(this);
      } catch (RuntimeException e) {
        gil.close();
        throw e;
      }
    }
    this.sigint = delivery;
    this.detector =
        builder.detectorThreshold == null || !builder.gil
            ? null
            : BlockingDetector.start(name, gil, builder.detectorThreshold);
  }

  /**
   * @return a builder with the defaults: FAIR policy, 5 ms switch interval, GIL on, platform
   *     threads, watchdog at 100 ms
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the runtime's name, used in thread-facing messages
   */
  public String name() {
    return name;
  }

  /**
   * @return the runtime's GIL
   */
  public Gil gil() {
    return gil;
  }

  /**
   * The runtime's reference-counted objects. With the GIL on they are guarded by it and count
   * references with {@link RefCountStrategy#PLAIN} counts, as CPython does: every operation checks
   * (and is a checkpoint of) the GIL, so only the holder touches them. With the GIL off the space
   * is free-threaded ({@link Guard#none()}) with {@link RefCountStrategy#BIASED} counts, as in
   * CPython 3.13t.
   *
   * @return the runtime's object space
   */
  public ObjectSpace objects() {
    return objects;
  }

  /**
   * @return a snapshot of the GIL's statistics
   */
  public GilStats stats() {
    return gil.stats();
  }

  /**
   * @return whether {@link #close()} has finished
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Starts a non-daemon runtime thread: it takes the GIL, runs {@code body} holding it (releasing
   * it in blocking sections), and releases it when the body ends, normally or not. An exception
   * escaping the body goes to the builder's uncaught-exception handler, or is logged.
   *
   * @param threadName the thread's name
   * @param body what the thread runs
   * @return the started thread
   * @throws RejectedExecutionException if the runtime was closed
   */
  public Thread startThread(String threadName, Runnable body) {
    return start(threadName, body, false);
  }

  /**
   * Starts a daemon runtime thread, which {@link #close()} does not wait for; otherwise as {@link
   * #startThread(String, Runnable)}.
   *
   * @param threadName the thread's name
   * @param body what the thread runs
   * @return the started thread
   * @throws RejectedExecutionException if the runtime was closed
   */
  public Thread startDaemonThread(String threadName, Runnable body) {
    return start(threadName, body, true);
  }

  private Thread start(String threadName, Runnable body, boolean daemon) {
    Objects.requireNonNull(threadName, "threadName");
    Objects.requireNonNull(body, "body");
    Runnable task = () -> runBody(body);
    Thread thread;
    if (virtualThreads) {
      thread = Thread.ofVirtual().name(threadName).unstarted(task);
    } else {
      // a scheduled run may abandon its threads (GilSchedule.blockingBudget): they must not keep
      // the JVM alive; close() still waits for the non-daemon ones through `nonDaemon`
      thread =
          Thread.ofPlatform().name(threadName).daemon(daemon || scheduler != null).unstarted(task);
    }
    synchronized (lifecycle) {
      if (closed) {
        throw closed(name, Thread.currentThread(), "start a thread");
      }
      if (!daemon) {
        nonDaemon.add(thread);
      }
    }
    if (scheduler != null) {
      scheduler.threadStarting(thread, !daemon);
    }
    thread.start();
    return thread;
  }

  private void runBody(Runnable body) {
    Thread me = Thread.currentThread();
    Throwable failure = null;
    try {
      gil.acquireUnchecked(false);
      try (Blocking.Registration registration =
          Blocking.install(new GilBlockingHandler(gil, detector))) {
        body.run();
      } catch (Throwable t) {
        failure = t;
      } finally {
        if (scheduler != null) {
          scheduler.threadEnding(me);
        }
        if (gil.isEnabled() && gil.holder() == me) {
          gil.release();
        }
      }
      if (failure != null) {
        reportUncaught(me, failure);
      }
    } finally {
      nonDaemon.remove(me);
    }
  }

  private void reportUncaught(Thread thread, Throwable failure) {
    if (uncaughtHandler != null) {
      try {
        uncaughtHandler.uncaughtException(thread, failure);
        return;
      } catch (Throwable handlerFailure) {
        failure.addSuppressed(handlerFailure);
      }
    }
    LOG.error(
        "uncaught exception in thread \"{}\" of runtime \"{}\"", thread.getName(), name, failure);
  }

  /**
   * Makes the calling thread hold the GIL until the returned token is closed, like {@code
   * PyGILState_Ensure}/{@code PyGILState_Release}. Works from any thread, including threads the
   * runtime did not start. Nests: when the thread holds the GIL already the token does nothing.
   * While the token is open the thread's blocking sections release the GIL.
   *
   * <p>A thread holds one runtime's GIL at a time, as a CPython thread has one current thread state
   * ({@code PyThreadState_Swap}): when the caller holds the GIL of another runtime, {@code
   * ensure()} releases that GIL before it waits for this one, and closing the token gives this one
   * back before it takes that one again. To the other runtime the scope is a blocking section. So
   * two threads that enter each other's runtimes in opposite orders cannot deadlock, and objects of
   * the other runtime are not touchable inside the scope.
   *
   * <pre>{@code
   * try (GilRuntime.Ensured ensured = runtime.ensure()) {
   *   // holding the GIL
   * }
   * }</pre>
   *
   * @return the token; close it on the same thread, innermost first
   * @throws RejectedExecutionException if the runtime was closed
   */
  public Ensured ensure() {
    Thread me = Thread.currentThread();
    if (closed) {
      throw closed(name, me, "ensure() the GIL");
    }
    if (gil.isHeldByCurrentThread()) {
      return new Ensured(me, null, null);
    }
    Gil outer = Gil.current();
    Gil swappedOut = outer != null && outer.releaseForBlocking() ? outer : null;
    Blocking.Registration registration;
    try {
      gil.acquire();
      try {
        registration = Blocking.install(new GilBlockingHandler(gil, detector));
      } catch (RuntimeException | Error e) {
        gil.release();
        throw e;
      }
    } catch (RuntimeException | Error e) {
      if (swappedOut != null) {
        swappedOut.acquireAfterBlocking();
      }
      throw e;
    }
    return new Ensured(me, registration, swappedOut);
  }

  /**
   * Raises {@code exception} in {@code thread}, like CPython's {@code PyThreadState_SetAsyncExc}:
   * the thread throws it, holding the GIL, at its next checkpoint of this runtime's GIL (a thread
   * in a CPU loop that checkpoints), or when its current blocking section ends (a thread blocked in
   * I/O, a sleep or a wait; the blocking call itself is not interrupted, as in CPython). A later
   * call for the same thread before it threw replaces the exception. Any thread may call it.
   *
   * <p>A thread that never passes a checkpoint nor leaves a blocking section never throws it; the
   * watchdog names such a thread when it also ignores drop requests.
   *
   * @param thread a thread that runs under this runtime's GIL
   * @param exception what it should throw
   * @throws IllegalStateException if {@code thread} has ended
   * @throws NullPointerException if an argument is null
   */
  public void raiseInThread(Thread thread, RuntimeException exception) {
    Objects.requireNonNull(thread, "thread");
    Objects.requireNonNull(exception, "exception");
    if (!thread.isAlive()) {
      throw new IllegalStateException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" raised an exception in thread \""
              + thread.getName()
              + "\" of runtime \""
              + name
              + "\", which has ended; raise it in a live thread");
    }
    gil.raiseIn(thread, exception);
  }

  /**
   * Runs {@code call} on the runtime's main thread, holding the GIL, at that thread's next
   * checkpoint or when its current blocking section ends, like CPython's {@code Py_AddPendingCall}.
   * The main thread is the one that built the runtime; it takes part by holding the GIL ({@link
   * #ensure()}) and passing checkpoints. Calls run in the order they were added; one that throws
   * makes that checkpoint throw, and the calls after it run at the next one. Any thread may call
   * it.
   *
   * @param call what the main thread runs
   * @throws NullPointerException if {@code call} is null
   */
  public void addPendingCall(Runnable call) {
    gil.addPendingCall(Objects.requireNonNull(call, "call"));
  }

  /**
   * Interpreter shutdown: waits for every non-daemon runtime thread to end (releasing the GIL while
   * it waits, when the caller holds it, and any other runtime's GIL it holds), then refuses new
   * work. Idempotent. An interrupt does not stop the wait; it is kept in the caller's interrupt
   * status. A thread that never ends makes this wait forever: use {@link #close(Duration)} where
   * shutdown must be bounded.
   */
  @Override
  public void close() {
    shutDown(Long.MAX_VALUE);
  }

  /**
   * Interpreter shutdown with a bound: as {@link #close()}, but waits at most {@code timeout} for
   * the non-daemon threads. When they have not all ended by then, the runtime is closed all the
   * same (new work is refused), the threads still running are logged at WARN with their stacks and
   * left to finish (they still take the GIL back after their blocking sections and pass it among
   * themselves), and the call returns false.
   *
   * @param timeout how long to wait for the non-daemon threads, zero or more
   * @return true when every non-daemon thread (but the caller) has ended; false when some still
   *     run, because time ran out here or in an earlier bounded close
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public boolean close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or more, was " + timeout);
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException beyondThreeCenturies) {
      nanos = Long.MAX_VALUE;
    }
    return shutDown(nanos);
  }

  /**
   * Waits for the non-daemon threads up to {@code budgetNanos} ({@code Long.MAX_VALUE}: no bound),
   * then closes.
   *
   * @return whether no non-daemon thread other than the caller is left
   */
  private boolean shutDown(long budgetNanos) {
    Thread me = Thread.currentThread();
    boolean bounded = budgetNanos != Long.MAX_VALUE;
    long start = System.nanoTime();
    Set<Thread> abandoned = Set.of();
    if (scheduler != null) {
      scheduler.starterWaits();
      if (gil.holder() != me) {
        abandoned = scheduler.awaitRunEnd(budgetNanos);
      }
    }
    boolean interrupted = false;
    List<Thread> left = List.of();
    while (true) {
      Thread next = null;
      long remaining = bounded ? budgetNanos - (System.nanoTime() - start) : 0;
      synchronized (lifecycle) {
        if (closed) {
          break;
        }
        for (Thread t : nonDaemon) {
          if (t != me && !abandoned.contains(t)) {
            next = t;
            break;
          }
        }
        if (next == null || (bounded && remaining <= 0)) {
          closed = true;
          gil.close();
          if (detector != null) {
            detector.close();
          }
          if (sigint != null) {
            sigint.restore();
          }
          if (next != null) {
            left = new ArrayList<>(nonDaemon);
            left.remove(me);
            left.removeAll(abandoned); // reported by GilSchedule.blocked()
          }
          break;
        }
      }
      try {
        joinReleasingGils(next, remaining);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      me.interrupt();
    }
    for (Thread t : left) {
      if (t.isAlive()) {
        StackHolder stack = new StackHolder(t);
        LOG.warn(
            "runtime \"{}\" closed after {} ms with non-daemon thread \"{}\" still running; it"
                + " may finish, but the runtime refuses new work",
            name,
            budgetNanos / 1_000_000,
            t.getName(),
            stack);
      }
    }
    for (Thread t : nonDaemon) {
      if (t != me && t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits for {@code thread} to end (at most {@code nanos}, or for good when 0) in a blocking
   * section: the caller's GIL of this runtime is released, and so is the GIL its blocking handler
   * governs (another runtime's, when it closes this one from there).
   */
  private void joinReleasingGils(Thread thread, long nanos) throws InterruptedException {
    boolean releasedIt = gil.releaseForBlocking();
    try {
      Blocking.run(
          () -> {
            if (nanos == 0) {
              thread.join();
            } else {
              thread.join(Duration.ofNanos(nanos));
            }
          });
    } finally {
      if (releasedIt) {
        gil.acquireAfterBlocking();
      }
    }
  }

  /** The stack of a thread left running by a bounded close, for its log line. */
  private static final class StackHolder extends Throwable {
    private static final long serialVersionUID = 1L;

    StackHolder(Thread thread) {
      super("stack of \"" + thread.getName() + "\" when the runtime closed", null, false, true);
      setStackTrace(thread.getStackTrace());
    }
  }

  /** The blocking detector, or null; for tests. */
  BlockingDetector detector() {
    return detector;
  }

  @Override
  public String toString() {
    return "GilRuntime[" + name + ", " + gil.policy() + (gil.isEnabled() ? "" : ", GIL off") + "]";
  }

  /**
   * What {@link #ensure()} returns: closing it gives the GIL back if {@code ensure()} took it.
   * Confined to the thread that called {@code ensure()}.
   */
  public final class Ensured implements AutoCloseable {
    private final Thread owner;

    /** Null for a nested token, which does nothing. */
    private final Blocking.Registration registration;

    /** The other runtime's GIL that ensure() released and close() takes back, or null. */
    private final Gil swappedOut;

    private boolean done;

    private Ensured(Thread owner, Blocking.Registration registration, Gil swappedOut) {
      this.owner = owner;
      this.registration = registration;
      this.swappedOut = swappedOut;
    }

    /**
     * @return whether this token took the GIL (false when nested inside another holding)
     */
    public boolean acquired() {
      return registration != null;
    }

    /**
     * Gives the GIL back if this token took it, like {@code PyGILState_Release}, then takes back
     * the other runtime's GIL that {@code ensure()} released, if it released one.
     *
     * @throws BatonMisuseException if called from another thread than the one that called {@code
     *     ensure()}, or twice
     */
    @Override
    public void close() {
      Thread me = Thread.currentThread();
      if (me != owner) {
        throw new BatonMisuseException(
            "thread \""
                + me.getName()
                + "\" closed an ensure() token of runtime \""
                + name
                + "\" taken by thread \""
                + owner.getName()
                + "\"; close it on the thread that called ensure()");
      }
      if (done) {
        throw new BatonMisuseException(
            "thread \""
                + me.getName()
                + "\" closed an ensure() token of runtime \""
                + name
                + "\" twice; close each token once, innermost first");
      }
      done = true;
      if (registration != null) {
        registration.close();
        gil.release();
        if (swappedOut != null) {
          swappedOut.acquireAfterBlocking();
        }
      }
    }
  }

  /** Configures a {@link GilRuntime}. Not thread-safe; use it on one thread. */
  public static final class Builder {
    private String name;
    private GilPolicy policy = GilPolicy.FAIR;
    private Duration switchInterval = Duration.ofMillis(5);
    private boolean gil = true;
    private boolean virtualThreads;
    private Duration watchdogThreshold = Duration.ofMillis(100);
    private Thread.UncaughtExceptionHandler uncaughtHandler;
    private boolean holdTiming;
    private Duration detectorThreshold;
    private GilSchedule schedule;
    private boolean keyboardInterrupt;

    private Builder() {}

    /**
     * Reports, once per call site and through SLF4J at WARN, a blocking JDK operation (sleep,
     * socket or file read or write, contended monitor enter, park) that lasted longer than {@code
     * threshold} while its thread held this runtime's GIL outside a blocking section: a call that
     * should go through {@link Blocking#call}, {@link GilThreads} or the Baton agent. Seen through
     * JFR event streaming (the detector runs a recording with those events only); it cannot see a
     * thread that gave the GIL up before the event reached it, nor blocking that the JDK records no
     * event for. Off by default.
     *
     * @param threshold the shortest blocking operation reported, 1 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is outside that range
     */
    public Builder blockingDetector(Duration threshold) {
      Objects.requireNonNull(threshold, "threshold");
      if (threshold.compareTo(Duration.ofMillis(1)) < 0
          || threshold.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "blockingDetector threshold must be between 1 ms and 1 h, was " + threshold);
      }
      this.detectorThreshold = threshold;
      return this;
    }

    /**
     * @param name the runtime's name, for messages and thread-facing diagnostics; not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * @param policy how the GIL picks its next holder (default {@link GilPolicy#FAIR})
     * @return this builder
     */
    public Builder policy(GilPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param interval the switch interval (default 5 ms), between {@link Gil#MIN_SWITCH_INTERVAL}
     *     and {@link Gil#MAX_SWITCH_INTERVAL}
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is outside that range
     */
    public Builder switchInterval(Duration interval) {
      Gil.validateInterval(interval);
      this.switchInterval = interval;
      return this;
    }

    /**
     * @param enabled false for the free-threaded mode, where acquire, release and checkpoints do
     *     nothing (default true)
     * @return this builder
     */
    public Builder gil(boolean enabled) {
      this.gil = enabled;
      return this;
    }

    /**
     * @param virtual whether runtime threads are virtual threads (default false: platform threads)
     * @return this builder
     */
    public Builder virtualThreads(boolean virtual) {
      this.virtualThreads = virtual;
      return this;
    }

    /**
     * @param threshold how long a holder may ignore a drop request (pass no checkpoint while others
     *     wait) before the watchdog warns (default 100 ms; 1 ms to 1 h)
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is outside that range
     */
    public Builder watchdogThreshold(Duration threshold) {
      Gil.validateWatchdog(threshold);
      this.watchdogThreshold = threshold;
      return this;
    }

    /**
     * Times every tenure of the GIL, for {@link GilStats#heldFraction()} and each thread's hold
     * total. Off by default: it costs two {@code System.nanoTime()} calls per acquire/release pair
     * on the uncontended path (about 25 ns each on bare metal, over 100 ns on some virtual
     * machines). Waits, counters and the contended fraction are measured either way.
     *
     * @param timed whether to time tenures
     * @return this builder
     */
    public Builder holdTiming(boolean timed) {
      this.holdTiming = timed;
      return this;
    }

    /**
     * Runs the runtime under a deterministic schedule: which thread holds the GIL is decided at
     * every checkpoint, blocking section and thread start or end by {@code schedule}, not by time
     * (the policy and switch interval are then unused). Threads get logical ids in start order;
     * {@link GilThreads#sleep}, {@link GilThreads#join} and {@link GilLock} waits run on a virtual
     * clock; the hand-offs are recorded in {@link GilSchedule#log()}. Threads started from outside
     * the runtime begin when the starter calls {@link GilRuntime#close()}, so that they all take
     * part in the first decision. Not deterministic: real blocking calls (I/O, futures, other
     * primitives), whose returns the schedule does not control; event-loop turn-taking is not
     * supported. See {@link dev.baton.gil.sched.Explorer} to search many schedules.
     *
     * @param schedule a schedule not used by another runtime
     * @return this builder
     */
    public Builder schedule(GilSchedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Delivers SIGINT (Ctrl-C) as a {@link KeyboardInterruptException} in the runtime's main thread
     * (the thread that builds it), at its next checkpoint or when its blocking section ends, as
     * CPython does; the JVM's own handler (shutdown) is restored by {@link #close()}. Off by
     * default. One runtime at a time should ask for it: the last one built gets the signal.
     *
     * @param deliver whether to install the handler
     * @return this builder
     */
    public Builder keyboardInterrupt(boolean deliver) {
      this.keyboardInterrupt = deliver;
      return this;
    }

    /**
     * Turns the watchdog off.
     *
     * @return this builder
     */
    public Builder watchdogOff() {
      this.watchdogThreshold = null;
      return this;
    }

    /**
     * @param handler receives exceptions that escape runtime threads' bodies (default: logged
     *     through SLF4J at ERROR)
     * @return this builder
     */
    public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
      this.uncaughtHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * @return a new open runtime
     */
    public GilRuntime build() {
      return new GilRuntime(this);
    }
  }

  /** The rejection of {@code action}, new work offered to a closed runtime. */
  static RejectedExecutionException closed(String runtime, Thread thread, String action) {
    return new RejectedExecutionException(
        "thread \""
            + thread.getName()
            + "\" tried to "
            + action
            + " on runtime \""
            + runtime
            + "\" after it was closed; build a new runtime instead");
  }
}
