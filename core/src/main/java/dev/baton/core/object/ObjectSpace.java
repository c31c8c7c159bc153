package dev.baton.core.object;

import dev.baton.core.Guard;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of reference-counted objects under one {@link Guard}: CPython's object heap, with its
 * census ({@code sys.gettotalrefcount}), its cycle collector ({@code gc}) and a leak detector.
 *
 * <pre>{@code
 * ObjectSpace space = ObjectSpace.builder().guard(gil).name("main").build(); // PLAIN counts
 * RcList list = space.newList();                             // refCount() == 1, ours
 * try (OwnedRef<RcBox<FileChannel>> box = OwnedRef.steal(space.newBox(channel, FileChannel::close))) {
 *   list.append(box.get());                                  // the list takes a second reference
 * }                                                          // ours is given back
 * list.decref();  // zero: the list is deallocated, releases the box, which closes the channel
 * }</pre>
 *
 * <p>Threading: the factories and {@link #collect()} require the guard. The census methods ({@link
 * #liveObjects()}, {@link #totalRefCount()}, {@link #leakedObjects()}) may be called from any
 * thread holding the guard and are snapshots under a free-threaded space. Under a free-threaded
 * space, {@link #collect()} must run while no other thread changes the space's containers (CPython
 * 3.13t stops the world for it), and no collection runs automatically.
 */
public final class ObjectSpace {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectSpace.class);

  /** Number of collector generations, as in CPython. */
  public static final int GENERATIONS = 3;

  /** A thread's pending deallocations: CPython's trashcan, so dealloc never recurses. */
  private static final ThreadLocal<Trashcan> TRASHCAN = ThreadLocal.withInitial(Trashcan::new);

  private static final ReferenceVisitor RELEASE = RcObject::decref;

  final Guard guard;
  final byte strategyCode;
  private final RefCountStrategy strategy;
  private final String name;
  private final LeakDetection leakDetection;
  private final boolean collectsAutomatically;

  private final AtomicLong ids = new AtomicLong();

  /**
   * Every allocated, not yet deallocated non-container that Java has not reclaimed. Concurrent set.
   */
  private final Set<Tracker> live = ConcurrentHashMap.newKeySet();

  private final ReferenceQueue<RcObject> reclaimed = new ReferenceQueue<>();
  private final LongAdder leaked = new LongAdder();
  private final LongAdder allocated = new LongAdder();
  private final LongAdder deallocated = new LongAdder();

  /**
   * Guards the generations, their counts and every object's gc fields. Held only for short sections
   * that pass no guard checkpoint (see {@link #runCollection(int)}).
   */
  final Object gcLock = new Object();

  /**
   * Heads of the tracked containers' circular doubly-linked lists by generation, youngest first,
   * linked through {@code gcPrev}/{@code gcNext}. Strong: CPython's gc lists.
   */
  private final RcObject[] generations = new RcObject[GENERATIONS];

  /** Containers in the generation lists. */
  private long containers;

  private final int[] thresholds;

  /** gen0: container allocations minus deallocations; gen1/2: collections of the younger gen. */
  private final int[] counts = new int[GENERATIONS];

  /** A collection is running; set and cleared under gcLock, so that collections never nest. */
  private boolean collecting;

  private long collections;
  private long collectedTotal;

  /** BIASED: objects whose shared count went negative, by owning thread. */
  private final Map<Thread, ConcurrentLinkedQueue<RcObject>> mergeQueues =
      new ConcurrentHashMap<>();

  /** Set when an object is queued; cleared by the thread that drains. */
  private volatile boolean mergesPending;

  private ObjectSpace(Builder builder) {
    this.guard = builder.guard;
    this.strategy = builder.strategy;
    this.strategyCode =
        switch (strategy) {
          case PLAIN -> RcObject.PLAIN;
          case ATOMIC -> RcObject.ATOMIC;
          case BIASED -> RcObject.BIASED;
        };
    this.name = builder.name;
    this.leakDetection = builder.leakDetection;
    this.thresholds = builder.thresholds.clone();
    this.collectsAutomatically =
        guard != Guard.none() && thresholds[0] > 0 && !builder.allowRacyPlainCounts;
    for (int i = 0; i < GENERATIONS; i++) {
      RcObject head = new ListHead();
      head.gcPrev = head;
      head.gcNext = head;
      generations[i] = head;
    }
  }

  /**
   * @return a builder; by default a free-threaded space ({@link Guard#none()}, {@link
   *     RefCountStrategy#BIASED}) named "objects" with {@link LeakDetection#SIMPLE} and CPython's
   *     collector thresholds 700/10/10
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- factories

  /**
   * @return a new empty list with one reference, owned by the caller
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public RcList newList() {
    return new RcList(this);
  }

  /**
   * @param <K> the key type: plain Java values with {@code equals}/{@code hashCode}
   * @return a new empty dict with one reference, owned by the caller
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public <K> RcDict<K> newDict() {
    return new RcDict<>(this);
  }

  /**
   * @param value the Java value to hold
   * @param <T> the value's type
   * @return a new box with one reference, owned by the caller, and no close action
   * @throws NullPointerException if {@code value} is null
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public <T> RcBox<T> newBox(T value) {
    return new RcBox<>(this, value, null);
  }

  /**
   * @param value the Java value to hold
   * @param closeAction run once with the value when the box is deallocated (deterministic release
   *     of a file, a buffer, a native handle); its exceptions are logged and ignored
   * @param <T> the value's type
   * @return a new box with one reference, owned by the caller
   * @throws NullPointerException if an argument is null
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public <T> RcBox<T> newBox(T value, RcBox.CloseAction<? super T> closeAction) {
    return new RcBox<>(this, value, Objects.requireNonNull(closeAction, "closeAction"));
  }

  // ---------------------------------------------------------------- accessors and census

  /**
   * @return the guard every operation on this space's objects checks
   */
  public Guard guard() {
    return guard;
  }

  /**
   * @return how this space's objects count references
   */
  public RefCountStrategy strategy() {
    return strategy;
  }

  /**
   * @return the space's name, for messages
   */
  public String name() {
    return name;
  }

  /**
   * @return the leak-detection level
   */
  public LeakDetection leakDetection() {
    return leakDetection;
  }

  /**
   * Objects allocated and neither deallocated nor reclaimed by Java as leaks. Immortals are not
   * counted.
   *
   * @return the number of live objects
   */
  public long liveObjects() {
    guard.check();
    mergePendingRefCounts();
    pollReclaimed();
    synchronized (gcLock) {
      return live.size() + containers;
    }
  }

  /**
   * The sum of the live objects' reference counts: CPython's {@code sys.gettotalrefcount()}, so
   * that a test can assert that nothing leaked. Immortals are not counted.
   *
   * @return the total
   */
  public long totalRefCount() {
    guard.check();
    mergePendingRefCounts();
    pollReclaimed();
    long total = 0;
    synchronized (gcLock) {
      for (RcObject head : generations) {
        for (RcObject o = head.gcNext; o != head; o = o.gcNext) {
          total += o.refCountSnapshot();
        }
      }
    }
    for (Tracker tracker : live) {
      RcObject object = tracker.get();
      if (object != null) {
        total += object.refCountSnapshot();
      }
    }
    return total;
  }

  /**
   * Objects that Java's garbage collector reclaimed while their reference count was above zero:
   * leaks, whether or not the detector's level reported them.
   *
   * @return how many leaks were found so far
   */
  public long leakedObjects() {
    pollReclaimed();
    return leaked.sum();
  }

  /**
   * @return objects allocated since the space was built
   */
  public long allocatedObjects() {
    return allocated.sum();
  }

  /**
   * @return objects deallocated since the space was built
   */
  public long deallocatedObjects() {
    return deallocated.sum();
  }

  // ---------------------------------------------------------------- cycle collector

  /**
   * Collects every generation: {@code gc.collect()}.
   *
   * @return how many unreachable objects were found and deallocated
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public int collect() {
    return collect(GENERATIONS - 1);
  }

  /**
   * Collects generations 0 to {@code generation}: finds the containers that only reference each
   * other (trial deletion: CPython's algorithm), runs their finalizers once (PEP 442), and, unless
   * a finalizer resurrected them, clears their references so that they are deallocated. Survivors
   * move to the next older generation. Returns 0 when called from a finalizer or a deallocation
   * (collections do not nest).
   *
   * @param generation the oldest generation to collect, 0 to {@value #GENERATIONS} - 1
   * @return how many unreachable objects were found and deallocated
   * @throws IllegalArgumentException if {@code generation} is out of range
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch this space
   */
  public int collect(int generation) {
    if (generation < 0 || generation >= GENERATIONS) {
      throw new IllegalArgumentException(
          "generation must be between 0 and " + (GENERATIONS - 1) + ", got " + generation);
    }
    guard.check();
    mergePendingRefCounts();
    pollReclaimed();
    if (TRASHCAN.get().draining) {
      return 0;
    }
    synchronized (gcLock) {
      if (collecting) {
        return 0;
      }
      collecting = true;
    }
    return runCollection(generation);
  }

  /**
   * Runs a collection that the caller marked with {@link #collecting}. The collector holds gcLock
   * only while it reads and writes the gc fields, never while finalizers, callbacks or decrefs run:
   * those pass guard checkpoints, where a GIL may go to a thread that then needs gcLock.
   */
  private int runCollection(int generation) {
    try {
      return CycleCollector.collect(this, generation);
    } finally {
      synchronized (gcLock) {
        collecting = false;
      }
    }
  }

  /**
   * @return collections run so far, explicit and automatic
   */
  public long collections() {
    synchronized (gcLock) {
      return collections;
    }
  }

  /**
   * @return unreachable objects the collector has deallocated so far
   */
  public long collectedObjects() {
    synchronized (gcLock) {
      return collectedTotal;
    }
  }

  /** With gcLock held. */
  List<RcObject> containersUpTo(int generation) {
    List<RcObject> young = new ArrayList<>();
    for (int i = 0; i <= generation; i++) {
      RcObject head = generations[i];
      for (RcObject o = head.gcNext; o != head; o = o.gcNext) {
        young.add(o);
      }
    }
    return young;
  }

  /** With gcLock held: survivors age by one generation. */
  void promote(RcObject object, int generation) {
    int older = Math.min(generation + 1, GENERATIONS - 1);
    if (object.gcGeneration >= 0 && object.gcGeneration != older) {
      unlink(object);
      link(object, older);
    }
  }

  /** With gcLock held, after a collection of generations 0..generation. */
  void collected(int generation, int found) {
    collections++;
    collectedTotal += found;
    if (generation + 1 < GENERATIONS) {
      counts[generation + 1]++;
    }
    for (int i = 0; i <= generation; i++) {
      counts[i] = 0;
    }
  }

  // ---------------------------------------------------------------- allocation and deallocation

  long nextId() {
    return ids.incrementAndGet();
  }

  /**
   * Before a new object is tracked: leak polling, pending merges, and automatic collection when a
   * new container would pass the thresholds (CPython collects in {@code gc_alloc}, before
   * tracking).
   */
  void beforeAllocation(boolean container) {
    pollReclaimed();
    mergePendingRefCounts();
    if (!container || !collectsAutomatically) {
      return;
    }
    int generation = -1;
    synchronized (gcLock) {
      counts[0]++;
      if (collecting || counts[0] <= thresholds[0] || TRASHCAN.get().draining) {
        return;
      }
      for (int g = GENERATIONS - 1; g >= 0 && generation < 0; g--) {
        if (counts[g] > thresholds[g] && thresholds[g] > 0) {
          generation = g;
        }
      }
      if (generation < 0) {
        return;
      }
      collecting = true;
    }
    runCollection(generation);
  }

  /** Registers a new object; returns its tracker, or null for a container. */
  Tracker track(RcObject object) {
    LeakDetection watch =
        switch (leakDetection) {
          case DISABLED -> null;
          case SIMPLE, ADVANCED ->
              ThreadLocalRandom.current().nextInt(LeakDetection.SAMPLING_INTERVAL) == 0
                  ? leakDetection
                  : null;
          case PARANOID -> leakDetection;
        };
    allocated.increment();
    if (object.container) {
      synchronized (gcLock) {
        if (!collectsAutomatically) {
          counts[0]++;
        }
        link(object, 0);
        containers++;
      }
      return null;
    }
    Tracker tracker = new Tracker(object, reclaimed, object.toString(), watch);
    live.add(tracker);
    return tracker;
  }

  /** The object's count reached zero: deallocate it now, or after the one this thread is in. */
  void deallocate(RcObject object) {
    Trashcan trashcan = TRASHCAN.get();
    trashcan.pending.addLast(object);
    if (trashcan.draining) {
      return;
    }
    trashcan.draining = true;
    try {
      RcObject next;
      while ((next = trashcan.pending.pollFirst()) != null) {
        next.space.destroy(next);
      }
    } finally {
      trashcan.draining = false;
    }
  }

  /** tp_dealloc: runs once per object, on a thread with a draining trashcan. */
  private void destroy(RcObject object) {
    if (!object.casState(RcObject.ALIVE, RcObject.DEALLOCATING)) {
      return;
    }
    if (!object.finalized) {
      object.finalized = true;
      runFinalizer(object);
      if (object.refCountSnapshot() > 0) {
        object.setStateRelease(RcObject.ALIVE); // resurrected by its finalizer (PEP 442)
        return;
      }
    }
    for (WeakRc<?> ref : object.takeWeakrefs()) {
      ref.referentDied();
    }
    clearReferences(object);
    try {
      object.deallocate();
    } catch (RuntimeException e) {
      LOG.warn("Exception ignored while deallocating {}", object.describe(), e);
    }
    object.setStateRelease(RcObject.DEAD);
    untrack(object);
  }

  /** tp_clear, exceptions logged: deallocation and collection cannot fail. */
  void clearReferences(RcObject object) {
    try {
      object.clearReferences(RELEASE);
    } catch (RuntimeException e) {
      LOG.warn("Exception ignored while clearing the references of {}", object.describe(), e);
    }
  }

  void runFinalizer(RcObject object) {
    try {
      object.finalizeObject();
    } catch (RuntimeException e) {
      LOG.warn("Exception ignored in the finalizer of {}", object.describe(), e);
    }
  }

  private void untrack(RcObject object) {
    deallocated.increment();
    Tracker tracker = object.tracker;
    if (tracker != null) {
      tracker.clear();
      live.remove(tracker);
    }
    if (object.container) {
      synchronized (gcLock) {
        if (object.gcGeneration >= 0) {
          unlink(object);
          containers--;
        }
        if (counts[0] > 0) {
          counts[0]--;
        }
      }
    }
  }

  /** With gcLock held: appends {@code object} to a generation's list. */
  private void link(RcObject object, int generation) {
    RcObject head = generations[generation];
    object.gcNext = head;
    object.gcPrev = head.gcPrev;
    head.gcPrev.gcNext = object;
    head.gcPrev = object;
    object.gcGeneration = (byte) generation;
  }

  /** With gcLock held: removes {@code object} from its generation's list. */
  private void unlink(RcObject object) {
    object.gcPrev.gcNext = object.gcNext;
    object.gcNext.gcPrev = object.gcPrev;
    object.gcPrev = null;
    object.gcNext = null;
    object.gcGeneration = -1;
  }

  /** Reports objects Java reclaimed while their count was above zero. */
  private void pollReclaimed() {
    Tracker tracker;
    while ((tracker = (Tracker) reclaimed.poll()) != null) {
      if (live.remove(tracker)) {
        leaked.increment();
        if (tracker.isWatching()) {
          LOG.warn(tracker.report(name));
        }
      }
    }
  }

  // ---------------------------------------------------------------- biased merging (PEP 703)

  /** A non-owner took a BIASED object's shared count below zero; the owner must merge it. */
  void queueForMerge(RcObject object) {
    Thread owner = object.ownerAcquire();
    if (owner == null) {
      return; // the owner merged meanwhile; the merge saw our decrement
    }
    if (!owner.isAlive()) {
      object.mergeRefCounts();
      return;
    }
    mergeQueues.computeIfAbsent(owner, t -> new ConcurrentLinkedQueue<>()).add(object);
    mergesPending = true;
  }

  /**
   * Merges the biased reference counts queued for the calling thread (objects it owns whose shared
   * count other threads took below zero) and for threads that have ended, deallocating those that
   * reach zero: CPython's {@code _Py_brc_merge_refcounts}, which runs at the owner's eval-breaker
   * checks. Baton runs it when the owner allocates in this space, collects, or asks for the census;
   * until then such an object stays allocated with a true count of zero. Cheap when nothing is
   * queued (one volatile read).
   *
   * @throws UseAfterFreeException if a merged count is below zero (other threads decref'd
   *     references they did not own)
   */
  public void mergePendingRefCounts() {
    if (!mergesPending) {
      return;
    }
    mergesPending = false;
    Thread current = Thread.currentThread();
    for (Map.Entry<Thread, ConcurrentLinkedQueue<RcObject>> entry : mergeQueues.entrySet()) {
      Thread owner = entry.getKey();
      ConcurrentLinkedQueue<RcObject> queue = entry.getValue();
      boolean ended = !owner.isAlive();
      if (owner == current || ended) {
        if (ended) {
          mergeQueues.remove(owner);
        }
        RcObject object;
        while ((object = queue.poll()) != null) {
          object.mergeRefCounts();
        }
      } else if (!queue.isEmpty()) {
        mergesPending = true;
      }
    }
  }

  @Override
  public String toString() {
    return "ObjectSpace[" + name + ", " + strategy + ", guard " + guard.name() + "]";
  }

  /** Sentinel of a generation list; never counted, never touched by the collector. */
  private static final class ListHead extends RcObject {
    ListHead() {
      super();
    }
  }

  /** Per-thread deallocation worklist. Confined to its thread. */
  private static final class Trashcan {
    final ArrayDeque<RcObject> pending = new ArrayDeque<>();
    boolean draining;
  }

  /** Configures an {@link ObjectSpace}. Not thread-safe; build on one thread. */
  public static final class Builder {
    private Guard guard = Guard.none();
    private RefCountStrategy strategy;
    private String name = "objects";
    private LeakDetection leakDetection = LeakDetection.SIMPLE;
    private final int[] thresholds = {700, 10, 10};
    private boolean allowRacyPlainCounts;

    private Builder() {}

    /**
     * @param guard the guard every operation checks: a runtime's GIL, or {@link Guard#none()} for a
     *     free-threaded space
     * @return this builder
     * @throws NullPointerException if {@code guard} is null
     */
    public Builder guard(Guard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * @param strategy how objects count references; by default {@link RefCountStrategy#PLAIN} with
     *     a guard and {@link RefCountStrategy#BIASED} with {@link Guard#none()}
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder strategy(RefCountStrategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * @param name the space's name, for messages
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string, got " + name);
      }
      this.name = name;
      return this;
    }

    /**
     * @param level how hard to look for leaked references
     * @return this builder
     * @throws NullPointerException if {@code level} is null
     */
    public Builder leakDetection(LeakDetection level) {
      this.leakDetection = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * CPython's {@code gc.set_threshold}: generation 0 is collected when container allocations
     * minus deallocations pass {@code threshold0}; generation 1 after {@code threshold1}
     * collections of generation 0; generation 2 after {@code threshold2} collections of generation
     * 1. {@code threshold0 == 0} turns automatic collection off. Automatic collection runs only in
     * spaces with a guard; a free-threaded space collects when {@link #collect()} is called.
     *
     * @param threshold0 generation 0's threshold, 0 to disable automatic collection
     * @param threshold1 generation 1's threshold
     * @param threshold2 generation 2's threshold
     * @return this builder
     * @throws IllegalArgumentException if a threshold is negative
     */
    public Builder gcThresholds(int threshold0, int threshold1, int threshold2) {
      int[] given = {threshold0, threshold1, threshold2};
      for (int i = 0; i < given.length; i++) {
        if (given[i] < 0) {
          throw new IllegalArgumentException(
              "threshold" + i + " must be zero or positive, got " + given[i]);
        }
      }
      System.arraycopy(given, 0, thresholds, 0, given.length);
      return this;
    }

    /**
     * Allows {@link RefCountStrategy#PLAIN} counts with {@link Guard#none()}: unsynchronized counts
     * that several threads update at once, which lose updates (leaks and premature frees). Exists
     * only to demonstrate the race the GIL prevents (the {@code refcount} example, the jcstress
     * proofs); never use it for real work. Automatic collection is off in this mode.
     *
     * @return this builder
     */
    public Builder allowRacyPlainCounts() {
      this.allowRacyPlainCounts = true;
      return this;
    }

    /**
     * @return the space
     * @throws IllegalArgumentException if {@link RefCountStrategy#PLAIN} was asked for with {@link
     *     Guard#none()} without {@link #allowRacyPlainCounts()}
     */
    public ObjectSpace build() {
      if (strategy == null) {
        strategy = guard == Guard.none() ? RefCountStrategy.BIASED : RefCountStrategy.PLAIN;
      }
      if (strategy == RefCountStrategy.PLAIN && guard == Guard.none() && !allowRacyPlainCounts) {
        throw new IllegalArgumentException(
            "strategy PLAIN needs a guard that lets one thread at a time in (a GIL), but the guard"
                + " is Guard.none(): use ATOMIC or BIASED for a free-threaded space, or call"
                + " allowRacyPlainCounts() to demonstrate the race on purpose");
      }
      return new ObjectSpace(this);
    }
  }
}
