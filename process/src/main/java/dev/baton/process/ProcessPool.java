package dev.baton.process;

import dev.baton.core.Blocking;
import dev.baton.process.internal.AotCache;
import dev.baton.process.internal.CallDeadline;
import dev.baton.process.internal.CodecOptions;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.PoolCalls;
import dev.baton.process.internal.PoolEngine;
import dev.baton.process.internal.SerialPolicy;
import dev.baton.process.internal.SharedBlocks;
import dev.baton.process.internal.TaskBytes;
import dev.baton.process.internal.ValueCodec;
import dev.baton.process.internal.WorkerLaunch;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of worker JVMs: CPython's {@code multiprocessing.Pool} and {@code
 * concurrent.futures.ProcessPoolExecutor} in one API, that survives its workers dying.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));   // [1, 4, 9]
 *   CompletableFuture<String> f = pool.submit(() -> "pid " + ProcessHandle.current().pid());
 * }
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. Every wait ({@link #apply}, {@link
 * #map}, {@link #starmap}, the iterators of {@link #imap} and {@link #imapUnordered}, {@link
 * #awaitTermination}, {@link #close}) runs inside {@link Blocking#call}, so a GIL thread releases
 * its GIL while it waits.
 *
 * <p>Futures: the futures this pool returns complete on its callback threads, named {@code
 * <pool>-callbacks-N}, never on a thread that reads a worker's output; their dependent actions
 * ({@code thenAccept}, {@code whenComplete} ...) run there too, unless given an executor. A
 * callback may use the pool in every way, blocking calls and {@link #close} included: the callback
 * threads grow when they are all busy, and end once the pool has terminated. When {@link #close}
 * returns, every task's future is complete.
 *
 * <p>Sending ahead: each worker is sent up to two tasks, the one it runs and the next, so that it
 * never waits for the parent; the small chunks of a map, which are alike, up to 32, so that their
 * frames and answers travel in batches. A task sent ahead to a busy worker is taken back for an
 * idle one. The design is in {@code dev.baton.process.internal.PoolEngine}.
 *
 * <p>Failures: a task that throws fails with {@link RemoteTaskException}; a worker that dies fails
 * only the task it held, with {@link WorkerCrashedException} (or retries it, see {@link
 * #submitRetryable}), and is replaced; a task over the task timeout fails with a {@link
 * TimeoutException} and its worker is replaced; an argument that cannot be serialized fails at
 * submission with {@link TaskSerializationException}; submitting after shutdown throws {@link
 * RejectedExecutionException}. How each kind of failure is thrown by a blocking call is in {@link
 * Pool}'s Javadoc. What each kind of hostile task, payload or caller gets is listed in the
 * package's failure model.
 */
public final class ProcessPool implements Pool {
  private static final AtomicInteger POOL_SEQ = new AtomicInteger();

  private final String name;
  private final int workers;
  private final PoolEngine engine;
  private final PoolCalls calls;

  /** Blocks made by {@link #sharedMemory}, closed once the pool has terminated. */
  private final Set<SharedMemory> blocks = ConcurrentHashMap.newKeySet();

  private ProcessPool(Builder b, ValueCodec codec, PoolEngine engine) {
    this.name = b.name;
    this.workers = b.workers;
    this.engine = engine;
    engine
        .terminationFuture()
        .whenComplete(
            (done, e) -> {
              for (SharedMemory block : blocks) {
                block.close();
              }
              SharedBlocks.sweep(); // blocks its workers created and left when they halted
            });
    this.calls =
        new PoolCalls(
            "process pool \"" + name + "\"",
            codec,
            new PoolCalls.Dispatch() {
              @Override
              public CompletableFuture<Object> submit(
                  Payloads.TaskBody body, int retries, boolean exposed) {
                return engine.submit(body, retries, exposed);
              }

              @Override
              public List<? extends CompletableFuture<Object>> submitAll(
                  List<Payloads.TaskBody> bodies) {
                return engine.submitAll(bodies, 0, false);
              }

              @Override
              public int slots() {
                return workers;
              }

              @Override
              public PoolCalls.Deadline deadline(Duration timeout, String call) {
                return new CallDeadline(engine, timeout, call);
              }
            });
  }

  /**
   * @return a builder with the defaults: one worker per available processor, the parent's class
   *     path or module path, the {@link Codec#COMPACT} codec, no task timeout, a 30 s start-up
   *     timeout
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the pool's name (workers are named after it)
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * @return how many workers the pool keeps
   */
  public int workerCount() {
    return workers;
  }

  /**
   * @return the process ids of the current workers (a snapshot)
   */
  public List<Long> workerPids() {
    return engine.workerPids();
  }

  /**
   * @return how many workers were replaced after dying, timing out or being killed (recycling by
   *     {@link Builder#maxTasksPerWorker} is not counted)
   */
  public long workersReplaced() {
    return engine.workersReplaced();
  }

  /**
   * Creates a shared memory block that belongs to this pool: like {@link SharedMemory#create}, and
   * also closed (its file deleted) once the pool has terminated, if its user did not close it
   * before.
   *
   * @param bytes its size, 1 to {@link Integer#MAX_VALUE}
   * @return the block, owned by this JVM
   * @throws IllegalArgumentException when {@code bytes} is out of range
   * @throws RejectedExecutionException when the pool is shut down
   * @throws java.io.UncheckedIOException when the platform refuses the memory
   */
  public SharedMemory sharedMemory(long bytes) {
    if (!engine.isOpen()) {
      throw new RejectedExecutionException(
          "process pool \""
              + name
              + "\" is shut down; thread \""
              + Thread.currentThread().getName()
              + "\" asked it for a shared memory block: use SharedMemory.create for a block that"
              + " outlives the pool");
    }
    blocks.removeIf(SharedMemory::isClosed);
    SharedMemory block = SharedMemory.create(bytes);
    blocks.add(block);
    if (engine.terminationFuture().isDone()) {
      block.close(); // terminated meanwhile: its sweep may have run before the add
    }
    return block;
  }

  // ---- submission ----

  /**
   * Submits a task.
   *
   * @param task the task, serialized now, in the caller's thread
   * @param <T> its result type
   * @return its future; {@code cancel(false)} removes it from the queue, or asks the worker it was
   *     sent ahead to to drop it (if the worker has already started it, it runs and its result is
   *     dropped); {@code cancel(true)} also kills and replaces the worker running it
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  @Override
  public <T> CompletableFuture<T> submit(PoolTask<T> task) {
    return calls.submit(task, 0);
  }

  /**
   * Submits a task with a deadline: if it has not finished {@code timeout} after this call (time in
   * the queue counts), its future fails with a {@link TimeoutException}; a queued task is removed,
   * a task sent ahead to a worker is taken back, and the worker running it is killed and replaced.
   * Other tasks and callers are unaffected.
   *
   * @param task the task, serialized now, in the caller's thread
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its future, cancellable as {@link #submit(PoolTask)}'s
   * @throws IllegalArgumentException when {@code timeout} is not positive
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  @Override
  public <T> CompletableFuture<T> submit(PoolTask<T> task, Duration timeout) {
    return calls.submit(task, timeout);
  }

  /**
   * Runs a task with a deadline (see {@link #submit(PoolTask, Duration)}) and waits for it.
   *
   * @param task the task
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when the waiting thread is interrupted (the task goes on)
   * @throws TimeoutException when it missed the deadline, or the pool's task timeout (its worker,
   *     if it was running it, was replaced)
   */
  @Override
  public <T> T apply(PoolTask<T> task, Duration timeout)
      throws InterruptedException, TimeoutException {
    return calls.apply(task, timeout);
  }

  /**
   * Submits a task that may run again when its worker dies under it (it should be idempotent).
   *
   * @param task the task
   * @param maxRetries how many times a crash of its worker is retried, {@code >= 0}
   * @param <T> its result type
   * @return its future; it fails with {@link WorkerCrashedException} once the retries are spent
   * @throws IllegalArgumentException when {@code maxRetries < 0}
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  @Override
  public <T> CompletableFuture<T> submitRetryable(PoolTask<T> task, int maxRetries) {
    return calls.submit(task, maxRetries);
  }

  /**
   * Runs a task and waits for its result.
   *
   * @param task the task
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when the waiting thread is interrupted (the task goes on)
   * @throws RemoteTaskException when the task threw
   * @throws WorkerCrashedException when its worker died
   * @throws CompletionException wrapping a {@link TimeoutException} when it exceeded the pool's
   *     task timeout
   */
  @Override
  public <T> T apply(PoolTask<T> task) throws InterruptedException {
    return calls.apply(task);
  }

  /**
   * Applies {@code fn} to every item in the workers and returns the results in order, like {@code
   * Pool.map}. Items travel in chunks of {@code len / (workers * 4)} rounded up, as in CPython.
   *
   * @param fn the function
   * @param items the items
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted (queued chunks are
   *     cancelled)
   * @throws ProcessPoolException the first failure in item order; the other chunks are cancelled
   */
  @Override
  public <A, R> List<R> map(PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items)
      throws InterruptedException {
    return map(fn, items, 0);
  }

  @Override
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items, int chunkSize)
      throws InterruptedException {
    return calls.map(fn, items, chunkSize);
  }

  /**
   * Like {@link #map(PoolFunction, Collection, int)} with a deadline for the whole map: if it has
   * not finished {@code timeout} after this call, every chunk not yet done fails with a {@link
   * TimeoutException} (queued chunks are removed, the workers running chunks are killed and
   * replaced) and this call throws it. Other callers are unaffected.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, {@code >= 1}, or 0 for the default
   * @param timeout how long the map may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws TimeoutException when the deadline passed first
   */
  @Override
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn,
      Collection<? extends A> items,
      int chunkSize,
      Duration timeout)
      throws InterruptedException, TimeoutException {
    return calls.map(fn, items, chunkSize, timeout);
  }

  /**
   * Applies a two-argument function to every pair, like {@code Pool.starmap}.
   *
   * @param fn the function
   * @param pairs the argument pairs ({@code Map.entry(a, b)}, or any map's entries)
   * @param chunkSize items per task, or 0 for the default
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the results, in the pairs' order
   * @throws InterruptedException when the waiting thread is interrupted
   */
  @Override
  public <A, B, R> List<R> starmap(
      PoolBiFunction<? super A, ? super B, ? extends R> fn,
      Collection<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunkSize)
      throws InterruptedException {
    return calls.starmap(fn, pairs, chunkSize);
  }

  /**
   * A lazy, ordered {@code map}: items are read from {@code items} and sent as the iterator is
   * consumed, at most {@code 2 * workers} chunks ahead, so memory stays bounded for any length. A
   * failed chunk makes {@code next()} throw its failure once, at the position of its first item;
   * its other items are skipped and iteration can go on.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1} (CPython's default is 1)
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in order; single-threaded, like any iterator
   */
  @Override
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize) {
    return calls.imap(fn, items, chunkSize, true);
  }

  /**
   * Like {@link #imap(PoolFunction, Iterable, int)} with a deadline for the whole iteration, from
   * this call: once it passes, the chunks in flight fail with a {@link TimeoutException} (their
   * workers, if running them, are killed and replaced), no more items are sent, and {@code next()}
   * throws it, in a {@link CompletionException} (an iterator declares no checked exception), where
   * the results stop.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param timeout how long the iteration may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in order
   */
  @Override
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout) {
    return calls.imap(fn, items, chunkSize, true, timeout);
  }

  @Override
  public <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize) {
    return calls.imap(fn, items, chunkSize, false);
  }

  @Override
  public <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout) {
    return calls.imap(fn, items, chunkSize, false, timeout);
  }

  // ---- shutdown ----

  /**
   * {@inheritDoc}
   *
   * <p>Here: each worker exits once the queue is drained and it is idle.
   */
  @Override
  public void shutdown(QueuedTasks queued) {
    engine.shutdown(Objects.requireNonNull(queued, "queued") == QueuedTasks.CANCEL);
  }

  /** Stops accepting tasks, cancels queued and running tasks, and kills every worker. */
  @Override
  public void shutdownNow() {
    engine.shutdownNow();
  }

  /**
   * Waits for every worker to exit after a shutdown.
   *
   * @param timeout the longest to wait, or null for no limit
   * @return whether the pool terminated in time
   * @throws InterruptedException when interrupted
   */
  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return calls.awaitTermination(engine.terminationFuture(), timeout);
  }

  /**
   * @return whether every worker has exited after a shutdown
   */
  @Override
  public boolean isTerminated() {
    return engine.terminationFuture().isDone();
  }

  /**
   * Shuts down, lets queued and running tasks finish, and waits for the workers to exit, like
   * {@code ExecutorService.close()}. If interrupted while waiting, kills the workers and keeps the
   * thread's interrupt status.
   */
  @Override
  public void close() {
    shutdown();
    try {
      awaitTermination(null);
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures and starts a {@link ProcessPool}. Not thread-safe; {@link #build()} may be called
   * more than once, each call starting a new pool.
   */
  public static final class Builder {
    private int workers = Runtime.getRuntime().availableProcessors();
    private final List<String> jvmOptions = new ArrayList<>();
    private String classPath;
    private String modulePath;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private PoolRunnable initializer;
    private int maxTasksPerWorker;
    private Duration taskTimeout;
    private Duration startupTimeout = Duration.ofSeconds(30);
    private final CodecOptions values = new CodecOptions();
    private String name = "pool-" + POOL_SEQ.incrementAndGet();
    private String javaExecutable = defaultJava();
    private Path aotCache;
    private boolean defaultAotCache = true;

    private Builder() {}

    private static String defaultJava() {
      return ProcessHandle.current()
          .info()
          .command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * @param n how many worker JVMs, {@code >= 1}
     * @return this
     */
    public Builder workers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("workers must be >= 1, was " + n);
      }
      this.workers = n;
      return this;
    }

    /**
     * @param options JVM options for every worker, after the pool's own (so they win)
     * @return this
     */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        jvmOptions.add(Objects.requireNonNull(o, "option"));
      }
      return this;
    }

    /**
     * Sets the workers' class path. By default it is derived from this JVM: its class path, its
     * module path and main module arrangement, or the {@code URLClassLoader}s that loaded
     * baton-process and the building thread's context class loader (as under {@code mvn
     * exec:java}). When it cannot be derived, {@link #build()} fails and says so.
     *
     * @param path the workers' class path; with no {@link #modulePath} it must hold baton-process,
     *     baton-core, slf4j-api and every task's class
     * @return this
     */
    public Builder classPath(String path) {
      this.classPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Starts the workers from a module path instead of deriving it: they run {@code
     * dev.baton.process} as their main module, with every module of {@code path} resolved, and the
     * {@link #classPath} if one is set.
     *
     * @param path the workers' module path; it must hold baton-process, baton-core and slf4j-api
     * @return this
     */
    public Builder modulePath(String path) {
      this.modulePath = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * @param key a variable added to the workers' environment (inherited otherwise)
     * @param value its value
     * @return this
     */
    public Builder environment(String key, String value) {
      environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * @param init runs once in every worker before its first task; if it throws, the worker does
     *     not start ({@link WorkerStartException})
     * @return this
     */
    public Builder initializer(PoolRunnable init) {
      this.initializer = Objects.requireNonNull(init, "init");
      return this;
    }

    /**
     * @param n tasks after which a worker is replaced by a fresh one, {@code >= 1}
     * @return this
     */
    public Builder maxTasksPerWorker(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxTasksPerWorker must be >= 1, was " + n);
      }
      this.maxTasksPerWorker = n;
      return this;
    }

    /**
     * @param timeout the longest a task may run; past it the worker is killed and replaced and the
     *     task's future fails with a {@link TimeoutException}
     * @return this
     */
    public Builder taskTimeout(Duration timeout) {
      this.taskTimeout = CodecOptions.positive(timeout, "taskTimeout");
      return this;
    }

    /**
     * @param timeout the longest a worker may take to start and run its initializer
     * @return this
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = CodecOptions.positive(timeout, "startupTimeout");
      return this;
    }

    /**
     * @param codec how arguments and results are written
     * @return this
     */
    public Builder codec(Codec codec) {
      values.codec(codec);
      return this;
    }

    /**
     * @param name the pool's name, used for its workers and their loggers
     * @return this
     */
    public Builder name(String name) {
      this.name = CodecOptions.poolName(name);
      return this;
    }

    /**
     * Adds classes that may be deserialized, on both sides, in the JDK's filter pattern syntax
     * ({@code com.example.Point}, {@code com.example.*}, {@code com.example.**}). Anything no
     * pattern allows is rejected. The defaults allow {@code java.lang.*}, {@code java.util.*},
     * {@code java.time.*}, {@code java.math.*}, lambdas and this package's exceptions.
     *
     * @param patterns the patterns; a {@code !} pattern rejects
     * @return this
     */
    public Builder allowClasses(String... patterns) {
      values.allowClasses(patterns);
      return this;
    }

    /**
     * Opt-in on JDK 25 or newer: workers start from an AOT cache (JEP 483, 514) kept in {@code
     * file}, which makes them ready sooner. When the file does not exist, {@link #build()} first
     * runs one training worker that writes it (seconds, once); keep the file between runs. Ignored,
     * with a warning, on an older JDK or when the class path holds anything but jar files (the
     * JDK's AOT cache needs jars). A cache made with other JVM options or another class path is
     * refused by the JVM, which then starts without it.
     *
     * @param file the cache file
     * @return this
     */
    public Builder aotCache(Path file) {
      this.aotCache = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Turns off the default AOT cache. By default, on JDK 25 or newer with a class path of jar
     * files only, workers start from an AOT cache kept in the temporary directory under a name
     * derived from the JDK, the worker command and the jars; the first pool that finds none trains
     * it in the background and starts without it. Where the JDK, the class path or the JVM options
     * do not allow it, workers start without one, silently.
     *
     * @return this
     */
    public Builder noAotCache() {
      this.defaultAotCache = false;
      return this;
    }

    /**
     * Limits on every value that crosses between this JVM and its workers, the same on both sides
     * and when writing as when reading: a value over one of them fails its task with {@link
     * TaskSerializationException} naming the limit (an argument at submission, a result without
     * harm to its worker).
     *
     * @param depth the deepest object graph written or read, {@code >= 1} (default 100)
     * @param references the most references in one Java-serialized stream, {@code >= 1} (default 1
     *     000 000); 64 times this is the most hashing steps reading one value may take
     * @param bytes the largest encoded value, stream and frame, {@code >= 1024} (default 256 MiB)
     * @return this
     */
    public Builder deserializationLimits(int depth, long references, long bytes) {
      values.deserializationLimits(depth, references, bytes);
      return this;
    }

    /**
     * Starts the workers in parallel and waits until every one is ready.
     *
     * @return the running pool
     * @throws WorkerStartException when a worker cannot start (its stderr tail is in the message),
     *     or when the workers' class path cannot be derived and none was given
     * @throws TaskSerializationException when the initializer cannot be serialized
     * @throws InterruptedException when interrupted while waiting (the workers are killed)
     */
    public ProcessPool build() throws InterruptedException {
      SerialPolicy policy = values.policy();
      ValueCodec valueCodec = values.valueCodec(policy, ProcessPool.class);
      ClassLoader loader = valueCodec.loader();
      WorkerLaunch launch;
      if (classPath != null || modulePath != null) {
        launch = WorkerLaunch.given(classPath, modulePath);
      } else {
        try {
          launch = WorkerLaunch.derive(loader, Thread.currentThread().getName());
        } catch (IllegalStateException e) {
          throw new WorkerStartException(e.getMessage());
        }
      }
      List<String> command = new ArrayList<>();
      command.add(javaExecutable);
      // JVM log lines and VM messages must never reach stdout, the protocol stream
      command.add("-Xlog:disable");
      command.add("-Xlog:all=warning:stderr");
      // a flight recording started by an option otherwise announces itself on stdout
      command.add("-Xlog:jfr+startup=error:stderr");
      command.add("-XX:+DisplayVMOutputToStderr");
      // an out-of-memory worker dies and is replaced rather than limping on
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.addAll(jvmOptions);
      if (aotCache != null) {
        List<String> jvm = List.copyOf(command);
        byte[] trainingInit = initFrame(policy, false);
        String option =
            Blocking.call(
                () ->
                    AotCache.option(
                        jvm,
                        launch,
                        aotCache.toAbsolutePath(),
                        trainingInit,
                        valueCodec,
                        startupTimeout.plusMinutes(2)));
        if (option != null) {
          command.add(option);
        }
      } else if (defaultAotCache) {
        String option =
            AotCache.defaultOption(
                List.copyOf(command),
                launch,
                initFrame(policy, false),
                valueCodec,
                startupTimeout.plusMinutes(2));
        if (option != null) {
          command.add(option);
        }
      }
      command.addAll(launch.arguments());
      SharedBlocks.sweep(); // block files of creators that were killed since the last pool
      PoolEngine engine =
          new PoolEngine(
              new PoolEngine.Config(
                  name,
                  workers,
                  command,
                  Map.copyOf(environment),
                  initFrame(policy, true),
                  maxTasksPerWorker,
                  taskTimeout,
                  startupTimeout,
                  valueCodec));
      List<CompletableFuture<Void>> ready = engine.start();
      try {
        for (CompletableFuture<Void> r : ready) {
          PoolCalls.await(r);
        }
      } catch (InterruptedException | RuntimeException e) {
        engine.shutdownNow();
        throw e;
      }
      return new ProcessPool(this, valueCodec, engine);
    }

    private byte[] initFrame(SerialPolicy policy, boolean withInitializer) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(values.codec().ordinal());
        policy.writeTo(out);
        byte[] init =
            initializer == null || !withInitializer ? new byte[0] : TaskBytes.code(initializer);
        out.writeInt(init.length);
        out.write(init);
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new IllegalStateException("in-memory stream failed", e);
      }
    }
  }
}
