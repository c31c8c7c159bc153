package dev.baton.process.internal;

import dev.baton.core.Blocking;
import dev.baton.process.PoolBiFunction;
import dev.baton.process.PoolFunction;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPoolException;
import dev.baton.process.TaskSerializationException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The caller's side of a pool, whatever runs its tasks: what {@code ProcessPool} and {@code
 * ClusterPool} do in the caller's thread between a call and the {@link Dispatch} that ships its
 * tasks. It turns a task, a function and its items into {@link Payloads.TaskBody task bodies} (in
 * chunks, in the caller's thread, so that what cannot travel fails there), waits for their results
 * inside {@link Blocking#call}, and gives the waits the pool's conventions: a runtime failure of a
 * task is thrown as it is; a checked one (a {@link TimeoutException}) is thrown as itself by a call
 * that takes a timeout and wrapped in a {@link CompletionException} by one that does not, as {@link
 * CompletableFuture#join()} does.
 *
 * <p>Threading: any thread; the iterators it makes are confined to their consumer. The cache of
 * stateless code is a concurrent map.
 */
public final class PoolCalls {

  /** What runs the tasks: a pool's dispatcher. */
  public interface Dispatch {
    /**
     * Queues a task.
     *
     * @param body the task
     * @param retries how many deaths of its worker it survives
     * @param exposed whether the future goes to the caller; one that does not (a blocking call's,
     *     an iterator's) may complete with an {@link Undecoded} answer, which {@link #await}
     *     decodes
     * @return its future, or null when the pool no longer accepts tasks
     */
    CompletableFuture<Object> submit(Payloads.TaskBody body, int retries, boolean exposed);

    /**
     * Queues tasks that the pool keeps the futures of (a map's chunks), in order.
     *
     * @param bodies the tasks
     * @return their futures, or null when the pool no longer accepts tasks
     */
    default List<? extends CompletableFuture<Object>> submitAll(List<Payloads.TaskBody> bodies) {
      List<CompletableFuture<Object>> futures = new ArrayList<>(bodies.size());
      for (Payloads.TaskBody body : bodies) {
        CompletableFuture<Object> f = submit(body, 0, false);
        if (f == null) {
          futures.forEach(queued -> queued.cancel(false));
          return null;
        }
        futures.add(f);
      }
      return futures;
    }

    /**
     * @return how many tasks the workers can run at once now, {@code >= 1}
     */
    int slots();

    /**
     * @param timeout how long the call may take, from now, positive
     * @param call what the caller called, for messages (e.g. {@code "apply(task, PT1S)"})
     * @return a started deadline over the tasks of one call, which expires them the pool's way
     */
    Deadline deadline(Duration timeout, String call);
  }

  /**
   * One caller's deadline over the tasks of one call (a pool that offers calls with a timeout
   * implements it; see {@link CallDeadline}).
   */
  public interface Deadline extends AutoCloseable {
    /**
     * Puts a task under the deadline.
     *
     * @param future its future, as {@link Dispatch#submit} returned it
     */
    void track(CompletableFuture<Object> future);

    /**
     * @return whether the deadline has passed
     */
    boolean passed();

    /**
     * @param what the work that was never sent
     * @return the failure for it
     */
    TimeoutException missed(String what);

    /** Ends the call; tasks still tracked once the deadline has passed are expired first. */
    @Override
    void close();
  }

  /**
   * An answer a dispatcher completed a future the pool keeps with, not yet decoded: the waiting
   * caller decodes it in its own thread.
   */
  public interface Undecoded {
    /**
     * @return the task's result
     * @throws RuntimeException the task's failure, as its future would have carried it
     */
    Object decode();
  }

  private final String description;
  private final ValueCodec codec;
  private final Dispatch dispatch;

  /** Ids of map functions, shared by all the chunks of one map; never 0. */
  private final java.util.concurrent.atomic.AtomicLong functionIds =
      new java.util.concurrent.atomic.AtomicLong();

  /** Stateless lambdas' code by class, for the pool's lifetime (they are code, not data). */
  private final ConcurrentHashMap<Class<?>, Code> statelessCode = new ConcurrentHashMap<>();

  /**
   * @param description the pool as messages name it, e.g. {@code process pool "p"}
   * @param codec the pool's codec and limits
   * @param dispatch what runs the tasks
   */
  public PoolCalls(String description, ValueCodec codec, Dispatch dispatch) {
    this.description = description;
    this.codec = codec;
    this.dispatch = dispatch;
  }

  /**
   * A task's or function's serialized form and the id workers keep its deserialized instance by: a
   * stateless lambda (one that captures nothing) is serialized once per class and keeps one id, so
   * that a worker deserializes it once, and later tasks carry only the id; other code is serialized
   * at each call, in the caller's thread, with id 0 (a map gives it an id of its own).
   */
  private record Code(byte[] bytes, long functionId) {}

  private Code code(Object fn) {
    Code cached = statelessCode.get(fn.getClass());
    if (cached != null) {
      return cached;
    }
    SerialPolicy.SerializedCode s = TaskBytes.codeOf(fn);
    if (!s.stateless()) {
      return new Code(s.bytes(), 0);
    }
    Code fresh = new Code(s.bytes(), functionIds.incrementAndGet());
    Code raced = statelessCode.putIfAbsent(fn.getClass(), fresh);
    return raced == null ? fresh : raced;
  }

  private long mapId(Code code) {
    return code.functionId() != 0 ? code.functionId() : functionIds.incrementAndGet();
  }

  // ---- submission ----

  /**
   * Submits a task.
   *
   * @param task the task
   * @param maxRetries how many deaths of its worker it survives, {@code >= 0}
   * @param <T> its result type
   * @return its future
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> submit(PoolTask<T> task, int maxRetries) {
    Objects.requireNonNull(task, "task");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    return (CompletableFuture<T>) (CompletableFuture<?>) enqueue(body(task), maxRetries, true);
  }

  /**
   * Runs a task and waits for its result.
   *
   * @param task the task
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when interrupted (the task goes on)
   */
  @SuppressWarnings("unchecked")
  public <T> T apply(PoolTask<T> task) throws InterruptedException {
    Objects.requireNonNull(task, "task");
    return (T) await(enqueue(body(task), 0, false));
  }

  /**
   * Submits a task under a deadline of its own, closed when its future completes.
   *
   * @param task the task
   * @param timeout how long it may take, from now, positive
   * @param <T> its result type
   * @return its future, which fails with a {@link TimeoutException} once the deadline passes
   */
  public <T> CompletableFuture<T> submit(PoolTask<T> task, Duration timeout) {
    Deadline deadline = deadline(timeout, "submit(task, " + timeout + ")");
    CompletableFuture<T> future;
    try {
      future = submit(task, 0);
    } catch (RuntimeException e) {
      deadline.close();
      throw e;
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<Object> tracked = (CompletableFuture<Object>) (CompletableFuture<?>) future;
    deadline.track(tracked);
    future.whenComplete((r, t) -> deadline.close());
    return future;
  }

  /**
   * Runs a task under a caller's deadline and waits for its result.
   *
   * @param task the task
   * @param timeout how long it may take, from now, positive; the deadline is closed once the result
   *     or failure is in (not on an interrupt: the task goes on, still under it)
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when interrupted
   * @throws TimeoutException when the deadline passed first
   */
  @SuppressWarnings("unchecked")
  public <T> T apply(PoolTask<T> task, Duration timeout)
      throws InterruptedException, TimeoutException {
    Objects.requireNonNull(task, "task");
    Deadline deadline = deadline(timeout, "apply(task, " + timeout + ")");
    CompletableFuture<Object> future;
    try {
      future = enqueue(body(task), 0, false);
      deadline.track(future);
    } catch (RuntimeException e) {
      deadline.close();
      throw e;
    }
    T result;
    try {
      result = (T) timed(() -> await(future));
    } catch (TimeoutException | RuntimeException e) {
      deadline.close();
      throw e;
    }
    deadline.close();
    return result;
  }

  private Payloads.TaskBody body(PoolTask<?> task) {
    Code code = code(task);
    return new Payloads.TaskBody(Payloads.CALL, code.functionId(), code.bytes(), null);
  }

  /**
   * Queues one task body.
   *
   * @param body the task
   * @param retries how many deaths of its worker it survives
   * @param exposed whether the future goes to the caller
   * @return its future
   * @throws TaskSerializationException when it is over the pool's byte limit
   * @throws RejectedExecutionException when the pool no longer accepts tasks
   */
  private CompletableFuture<Object> enqueue(Payloads.TaskBody body, int retries, boolean exposed) {
    checkSize(body);
    CompletableFuture<Object> future = dispatch.submit(body, retries, exposed);
    if (future == null) {
      throw rejected();
    }
    return future;
  }

  private void checkSize(Payloads.TaskBody body) {
    long size =
        Payloads.TASK_HEADER
            + (long) body.function().length
            + (body.values() == null ? 0 : body.values().length);
    if (size > codec.policy().maxBytes()) {
      throw new TaskSerializationException(
          "a task of "
              + size
              + " bytes (its code and arguments) is over the pool's limit of "
              + codec.policy().maxBytes()
              + " bytes (Builder.deserializationLimits); send less per task, or raise the limit");
    }
  }

  private RejectedExecutionException rejected() {
    return new RejectedExecutionException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" submitted a task to "
            + description
            + " after it was shut down; submit before shutdown() or build a new pool");
  }

  // ---- map ----

  /**
   * Runs {@code fn} over {@code items} in chunks and returns the results in order.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, or 0 for CPython's default ({@code len / (slots * 4)} rounded
   *     up)
   * @param deadline the caller's deadline, or null; closed before this returns
   * @param <A> the item type
   * @param <R> the result type
   * @return the results
   * @throws InterruptedException when interrupted (the chunks not done are cancelled)
   */
  private <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn,
      Collection<? extends A> items,
      int chunkSize,
      Deadline deadline)
      throws InterruptedException {
    if (fn == null || items == null) {
      if (deadline != null) {
        deadline.close();
      }
      Objects.requireNonNull(fn, "fn");
      Objects.requireNonNull(items, "items");
    }
    return runChunks(Payloads.MAP, fn, new ArrayList<Object>(items), chunkSize, deadline);
  }

  /**
   * Runs {@code fn} over {@code items} in chunks and returns the results in order.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, or 0 for the default
   * @param <A> the item type
   * @param <R> the result type
   * @return the results
   * @throws InterruptedException when interrupted (the chunks not done are cancelled)
   */
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items, int chunkSize)
      throws InterruptedException {
    return map(fn, items, chunkSize, (Deadline) null);
  }

  /**
   * Like {@link #map(PoolFunction, Collection, int)} under a deadline of its own.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, or 0 for the default
   * @param timeout how long the whole map may take, from now, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return the results
   * @throws InterruptedException when interrupted
   * @throws TimeoutException when the deadline passed first
   */
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn,
      Collection<? extends A> items,
      int chunkSize,
      Duration timeout)
      throws InterruptedException, TimeoutException {
    Deadline deadline = deadline(timeout, "map(fn, items, " + chunkSize + ", " + timeout + ")");
    return timed(() -> map(fn, items, chunkSize, deadline));
  }

  /**
   * Runs {@code fn} over {@code pairs} in chunks and returns the results in order.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param chunkSize items per task, or 0 for the default
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the results
   * @throws InterruptedException when interrupted
   */
  public <A, B, R> List<R> starmap(
      PoolBiFunction<? super A, ? super B, ? extends R> fn,
      Collection<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunkSize)
      throws InterruptedException {
    Objects.requireNonNull(fn, "fn");
    Objects.requireNonNull(pairs, "pairs");
    List<Object> items = new ArrayList<>(pairs.size());
    for (Map.Entry<? extends A, ? extends B> e : pairs) {
      items.add(Arrays.asList(e.getKey(), e.getValue()));
    }
    return runChunks(Payloads.STAR, fn, items, chunkSize, null);
  }

  /** The deadline, if any, is closed before the chunks left are cancelled, whatever happens. */
  private <R> List<R> runChunks(
      byte kind, Object fn, List<Object> items, int chunkSize, Deadline deadline)
      throws InterruptedException {
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    try {
      if (chunkSize < 0) {
        throw new IllegalArgumentException(
            "chunkSize must be >= 1, or 0 for the default; was " + chunkSize);
      }
      Code code = code(fn);
      int chunk = chunkSize == 0 ? defaultChunk(items.size()) : chunkSize;
      long fnId = mapId(code);
      List<Payloads.TaskBody> payloads = new ArrayList<>(items.size() / chunk + 1);
      for (int i = 0; i < items.size(); i += chunk) {
        List<Object> part = items.subList(i, Math.min(items.size(), i + chunk));
        payloads.add(
            new Payloads.TaskBody(kind, fnId, code.bytes(), TaskBytes.values(codec, part, i)));
      }
      payloads.forEach(this::checkSize);
      List<? extends CompletableFuture<Object>> queued = dispatch.submitAll(payloads);
      if (queued == null) {
        throw rejected();
      }
      futures.addAll(queued);
      if (deadline != null) {
        futures.forEach(deadline::track);
      }
      List<R> results = new ArrayList<>(items.size());
      for (CompletableFuture<Object> f : futures) {
        results.addAll(PoolCalls.<List<R>>cast(await(f)));
      }
      return results;
    } finally {
      if (deadline != null) {
        deadline.close();
      }
      for (CompletableFuture<Object> f : futures) {
        f.cancel(false);
      }
    }
  }

  private int defaultChunk(int n) {
    int per = dispatch.slots() * 4;
    return Math.max(1, (n + per - 1) / per);
  }

  /**
   * A lazy {@code map} that keeps {@code 2 * slots} chunks in flight.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param ordered whether results come in the items' order (else in completion order)
   * @param deadline the caller's deadline, or null; closed once the iteration is exhausted
   * @param <A> the item type
   * @param <R> the result type
   * @return the iterator
   */
  private <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      boolean ordered,
      Deadline deadline) {
    try {
      Objects.requireNonNull(fn, "fn");
      Objects.requireNonNull(items, "items");
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
      }
      return new ChunkIterator<>(code(fn), items.iterator(), chunkSize, ordered, deadline);
    } catch (RuntimeException e) {
      if (deadline != null) {
        deadline.close();
      }
      throw e;
    }
  }

  /**
   * A lazy {@code map} that keeps {@code 2 * slots} chunks in flight.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param ordered whether results come in the items' order (else in completion order)
   * @param <A> the item type
   * @param <R> the result type
   * @return the iterator
   */
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      boolean ordered) {
    return imap(fn, items, chunkSize, ordered, (Deadline) null);
  }

  /**
   * Like {@link #imap(PoolFunction, Iterable, int, boolean)} under a deadline of its own.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param ordered whether results come in the items' order (else in completion order)
   * @param timeout how long the whole iteration may take, from now, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return the iterator
   */
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      boolean ordered,
      Duration timeout) {
    String call = ordered ? "imap" : "imapUnordered";
    return imap(
        fn,
        items,
        chunkSize,
        ordered,
        deadline(timeout, call + "(fn, items, " + chunkSize + ", " + timeout + ")"));
  }

  /** A deadline from the dispatcher, once the timeout is checked. */
  private Deadline deadline(Duration timeout, String call) {
    positiveTimeout(timeout);
    return dispatch.deadline(timeout, call);
  }

  // ---- waiting ----

  /**
   * Waits for a future inside {@link Blocking#call}.
   *
   * @param future the future
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when interrupted
   * @throws CompletionException wrapping a checked failure (a {@link TimeoutException})
   */
  @SuppressWarnings("unchecked")
  public static <T> T await(Future<T> future) throws InterruptedException {
    try {
      T value = Blocking.call(future::get);
      return value instanceof Undecoded answer ? (T) answer.decode() : value;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new CompletionException(cause);
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ProcessPoolException("unexpected failure while waiting for a task", e);
    }
  }

  /**
   * Waits for what a call with a timeout returns, throwing its {@link TimeoutException} as itself.
   *
   * @param call the waiting call
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when interrupted
   * @throws TimeoutException when the call's deadline passed
   */
  public static <T> T timed(Waiting<T> call) throws InterruptedException, TimeoutException {
    try {
      return call.get();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TimeoutException t) {
        throw t;
      }
      throw e;
    }
  }

  /**
   * A wait that may be interrupted.
   *
   * @param <T> its result type
   */
  @FunctionalInterface
  public interface Waiting<T> {
    /**
     * @return the result
     * @throws InterruptedException when interrupted
     */
    T get() throws InterruptedException;
  }

  /**
   * Waits for a pool to terminate, inside {@link Blocking#call}.
   *
   * @param done completed when the pool has terminated
   * @param timeout the longest to wait, or null for no limit
   * @return whether it terminated in time
   * @throws InterruptedException when interrupted
   */
  public boolean awaitTermination(CompletableFuture<Void> done, Duration timeout)
      throws InterruptedException {
    try {
      Blocking.call(
          () -> {
            if (timeout == null) {
              return done.get();
            }
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
          });
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ProcessPoolException(description + " failed to terminate", e);
    }
  }

  /**
   * @param timeout a caller's timeout
   * @throws IllegalArgumentException when it is not positive
   */
  public static void positiveTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  /** The iterator behind {@code imap} and {@code imapUnordered}. Confined to its consumer. */
  private final class ChunkIterator<A, R> implements Iterator<R> {
    private final byte[] fn;
    private final long fnId;
    private final Iterator<? extends A> source;
    private final int chunk;
    private final boolean ordered;
    private final int window = dispatch.slots() * 2;
    private final ArrayDeque<CompletableFuture<Object>> pending = new ArrayDeque<>();
    private final LinkedBlockingQueue<CompletableFuture<Object>> done = new LinkedBlockingQueue<>();
    private int inFlight;
    private int index;
    private Iterator<?> current = List.of().iterator();

    /** The caller's deadline, or null; closed once the iteration is exhausted. */
    private final Deadline deadline;

    ChunkIterator(
        Code code, Iterator<? extends A> source, int chunk, boolean ordered, Deadline deadline) {
      this.fn = code.bytes();
      this.fnId = mapId(code);
      this.source = source;
      this.chunk = chunk;
      this.ordered = ordered;
      this.deadline = deadline;
    }

    private void fill() {
      while (inFlight < window && source.hasNext() && (deadline == null || !deadline.passed())) {
        List<Object> part = new ArrayList<>(chunk);
        while (part.size() < chunk && source.hasNext()) {
          part.add(source.next());
        }
        CompletableFuture<Object> f =
            enqueue(
                new Payloads.TaskBody(Payloads.MAP, fnId, fn, TaskBytes.values(codec, part, index)),
                0,
                false);
        index += part.size();
        inFlight++;
        if (deadline != null) {
          deadline.track(f);
        }
        if (ordered) {
          pending.addLast(f);
        } else {
          f.whenComplete((r, t) -> done.add(f));
        }
      }
    }

    @Override
    public boolean hasNext() {
      fill();
      boolean more = current.hasNext() || inFlight > 0 || unsentPastDeadline();
      if (!more && deadline != null) {
        deadline.close();
      }
      return more;
    }

    /** Items are left that the deadline kept from being sent. */
    private boolean unsentPastDeadline() {
      return deadline != null && deadline.passed() && source.hasNext();
    }

    @Override
    public R next() {
      fill();
      if (current.hasNext()) {
        return PoolCalls.cast(current.next());
      }
      if (inFlight == 0) {
        if (unsentPastDeadline()) {
          throw new CompletionException(deadline.missed("items from " + index + " on"));
        }
        throw new NoSuchElementException();
      }
      try {
        CompletableFuture<Object> f = ordered ? pending.pollFirst() : Blocking.call(done::take);
        inFlight--;
        List<?> results = PoolCalls.<List<?>>cast(await(f));
        current = results.iterator();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessPoolException("interrupted while waiting for a result", e);
      } finally {
        fill();
      }
      return next();
    }
  }
}
