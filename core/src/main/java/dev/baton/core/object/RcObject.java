package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A reference-counted object, the analogue of CPython's {@code PyObject}.
 *
 * <p>An object is born with one reference, owned by the code that created it. {@link #incref()}
 * adds a reference, {@link #decref()} gives one back; when the count reaches zero the object is
 * deallocated, exactly once: its finalizer runs (once in its life, PEP 442), its weak references
 * are cleared and their callbacks called, the references it holds are released (iteratively, so a
 * chain of a million objects does not grow the stack: CPython's trashcan), its own resources are
 * released ({@link #deallocate()}), and it is marked dead.
 *
 * <h2>Threading contract</h2>
 *
 * <p>Every operation first asks the space's {@link Guard} whether the calling thread may touch the
 * object ({@link Guard#check()}, which for a GIL is also a checkpoint where the GIL may be handed
 * to a waiting thread; {@link #incref()} and {@link #decref()} ask {@link Guard#checkOwner()},
 * which is not, as CPython's {@code Py_INCREF} is no point where its GIL changes hands); a thread
 * that may not gets a {@link BatonMisuseException} naming it and the guard. Under a free-threaded
 * space ({@link Guard#none()}) the reference-count operations are safe from any thread with {@link
 * RefCountStrategy#ATOMIC} and {@link RefCountStrategy#BIASED}; the containers' contents ({@link
 * RcList}, {@link RcDict}) are not, and need the caller's own synchronization there. An object must
 * be published safely (a thread start, a concurrent queue) before another thread touches it.
 *
 * <h2>Misuse</h2>
 *
 * <p>A decref that would take the count below zero, and any other use of a deallocated object,
 * throw {@link UseAfterFreeException} naming type and identity (the count is unchanged). {@link
 * #refCount()} and {@link #isAlive()} stay allowed for diagnostics.
 *
 * <h2>Defining a type</h2>
 *
 * <p>A subclass passes its space to the constructor and overrides the hooks it needs: {@link
 * #traverse(ReferenceVisitor)} and {@link #clearReferences(ReferenceVisitor)} for the references it
 * holds (a container), {@link #finalizeObject()} ({@code tp_finalize}) and {@link #deallocate()}
 * ({@code tp_dealloc}'s own part). Operations call {@link #checkAccess(String)} first, and a
 * container calls {@link #checkReferent(RcObject, String)} before it stores a reference. A subclass
 * must not override {@link #equals(Object)} or {@link #hashCode()}: objects are compared by
 * identity, as the collector needs.
 */
public abstract class RcObject {

  /** {@link #refCount()} of an immortal object: CPython 3.12's {@code _Py_IMMORTAL_REFCNT}. */
  public static final long IMMORTAL_REFCOUNT = 0xFFFF_FFFFL;

  static final byte PLAIN = 0;
  static final byte ATOMIC = 1;
  static final byte BIASED = 2;
  static final byte IMMORTAL = 3;

  static final byte ALIVE = 0;
  static final byte DEALLOCATING = 1;
  static final byte DEAD = 2;

  /*
   * BIASED shared field, PEP 703's ob_ref_shared: (shared count << 2) | state. The shared count may
   * go negative while the owner still holds local references.
   */
  static final int SHARED_SHIFT = 2;
  static final long ONE_SHARED = 1L << SHARED_SHIFT;
  static final long SHARED_STATE_MASK = ONE_SHARED - 1;

  /** Owned: the owner's local count and the shared count are separate. */
  static final long SHARED_DEFAULT = 0;

  /** Owned, and queued for the owner to merge because the shared count went negative. */
  static final long SHARED_QUEUED = 2;

  /** Merged: no owner any more, the shared field holds the whole count. */
  static final long SHARED_MERGED = 3;

  private static final VarHandle COUNT;
  private static final VarHandle SHARED;
  private static final VarHandle OWNER;
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      COUNT = lookup.findVarHandle(RcObject.class, "count", int.class);
      SHARED = lookup.findVarHandle(RcObject.class, "shared", long.class);
      OWNER = lookup.findVarHandle(RcObject.class, "owner", Thread.class);
      STATE = lookup.findVarHandle(RcObject.class, "state", byte.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The space that made this object; null for immortals. */
  final ObjectSpace space;

  /** The space's guard, copied here to save a load on the hot path. */
  final Guard guard;

  /** PLAIN, ATOMIC, BIASED or IMMORTAL; fixed at birth. */
  final byte strategy;

  /** Serial number within the space, for messages. */
  final long id;

  /**
   * The reference count, or part of it.
   *
   * <ul>
   *   <li>PLAIN: the whole count; read and written plainly by the thread holding the guard.
   *   <li>ATOMIC: the whole count; written only through {@link #getAndAddCount(int)}, read with
   *       {@link #countOpaque()}.
   *   <li>BIASED: the owner's local count; written plainly by {@link #owner} only, read by other
   *       threads only as an opaque snapshot or after the owner has ended (its end happens-before
   *       {@code isAlive() == false}). Zero once merged.
   * </ul>
   */
  int count;

  /**
   * BIASED only: (shared count &lt;&lt; 2) | state, updated by atomic get-and-add from non-owner
   * threads and by CAS for state changes (queue, merge).
   */
  long shared;

  /**
   * BIASED only: the owning thread, null once the counts are merged. Written by the owner (or, for
   * an ended owner, by the thread that merges for it) with release; read by other threads only to
   * compare with themselves, so a stale value never makes them take the owner's path.
   */
  Thread owner;

  /**
   * ALIVE, DEALLOCATING or DEAD. Moved from ALIVE to DEALLOCATING by CAS (so dealloc runs exactly
   * once even when counts race), then to DEAD by the deallocating thread.
   */
  byte state;

  /** Whether {@link #finalizeObject()} has run (it runs at most once, PEP 442). Guarded. */
  boolean finalized;

  /** Whether the cycle collector tracks this object. Fixed at birth. */
  final boolean container;

  /**
   * Registers a non-container for the space's census and leak detection; null for containers (the
   * collector's generation lists hold them) and immortals.
   */
  final Tracker tracker;

  /** {@link #tracker} when the leak detector watches this object, else null (the hot-path test). */
  final Tracker watched;

  /** Weak references to this object, created lazily; guarded by {@code this} monitor. */
  private List<WeakRc<?>> weakrefs;

  // Cycle-collector scratch state, guarded by the space's collector lock.
  RcObject gcPrev;
  RcObject gcNext;
  long gcRefs;
  byte gcGeneration = -1;
  boolean gcCollecting;
  boolean gcReachable;

  /**
   * Creates an object with one reference, owned by the caller, in {@code space}.
   *
   * @param space the space the object belongs to
   * @param container whether the object may hold references to other objects (the cycle collector
   *     then tracks it, and the object must implement {@link #traverse(ReferenceVisitor)} and
   *     {@link #clearReferences(ReferenceVisitor)})
   * @throws NullPointerException if {@code space} is null
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch {@code space}
   */
  protected RcObject(ObjectSpace space, boolean container) {
    Objects.requireNonNull(space, "space");
    space.guard.check();
    this.space = space;
    this.guard = space.guard;
    this.strategy = space.strategyCode;
    this.container = container;
    this.count = 1;
    if (strategy == BIASED) {
      this.owner = Thread.currentThread();
    }
    space.beforeAllocation(container);
    this.id = space.nextId();
    this.tracker = space.track(this);
    this.watched = tracker != null && tracker.isWatching() ? tracker : null;
  }

  /** An immortal: no space, no guard, no count. */
  RcObject() {
    this.space = null;
    this.guard = Guard.none();
    this.strategy = IMMORTAL;
    this.container = false;
    this.id = 0;
    this.tracker = null;
    this.watched = null;
  }

  // ---------------------------------------------------------------- reference counting

  /**
   * Adds a reference, owned by the caller. A no-op for immortals.
   *
   * <p>Threading: see the class documentation. With {@link RefCountStrategy#PLAIN} in a space built
   * with {@code allowRacyPlainCounts()}, concurrent calls lose updates: that mode exists to show
   * the race.
   *
   * @throws UseAfterFreeException if the object was deallocated
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch the object
   */
  public final void incref() {
    guard.checkOwner(); // not a checkpoint: a count changes inside an operation, never between two
    // racy read, benign: a stale ALIVE only misses reporting a misuse that is already a bug
    if (state == DEAD) {
      throw useAfterFree("incref");
    }
    switch (strategy) {
      case PLAIN -> count++;
      case ATOMIC -> getAndAddCount(1);
      case BIASED -> {
        if (owner == Thread.currentThread()) {
          count++;
        } else {
          getAndAddShared(ONE_SHARED);
        }
      }
      default -> {
        return;
      }
    }
    if (watched != null) {
      watched.record("incref", this);
    }
  }

  /**
   * Gives back a reference the caller owns; at zero the object is deallocated before this returns
   * (with {@link RefCountStrategy#BIASED}, a count that reaches zero through another thread's
   * decref is deallocated when the owner merges it; see the package documentation). A no-op for
   * immortals.
   *
   * @throws UseAfterFreeException if the count would go below zero (including a decref of a
   *     deallocated object); the count is unchanged
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch the object
   */
  public final void decref() {
    guard.checkOwner(); // not a checkpoint, as in incref()
    switch (strategy) {
      case PLAIN -> {
        int c = count - 1;
        if (c < 0 || state == DEAD) {
          throw belowZero(count);
        }
        count = c;
        if (watched != null) {
          watched.record("decref", this);
        }
        if (c == 0) {
          space.deallocate(this);
        }
      }
      case ATOMIC -> {
        if (state == DEAD) {
          throw belowZero(0);
        }
        int old = getAndAddCount(-1);
        if (old <= 0) {
          getAndAddCount(1);
          throw belowZero(old);
        }
        if (watched != null) {
          watched.record("decref", this);
        }
        if (old == 1) {
          space.deallocate(this);
        }
      }
      case BIASED -> {
        if (state == DEAD) {
          throw belowZero(0);
        }
        if (watched != null) {
          watched.record("decref", this);
        }
        if (owner == Thread.currentThread()) {
          int c = count - 1;
          count = c;
          if (c == 0) {
            mergeZeroLocal();
          }
        } else {
          decrefShared();
        }
      }
      default -> {}
    }
  }

  /**
   * The current reference count, without the temporary reference a call to CPython's {@code
   * sys.getrefcount} adds (so a new object reports 1 here and 2 there). Under a free-threaded space
   * and concurrent updates this is a snapshot. Allowed on a deallocated object (it then reports
   * what the count reached, normally 0).
   *
   * @return the count; {@link #IMMORTAL_REFCOUNT} for an immortal
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch the object
   */
  public final long refCount() {
    guard.check();
    return refCountSnapshot();
  }

  /**
   * @return whether the object has not been deallocated; allowed from any thread holding the guard,
   *     also after deallocation
   */
  public final boolean isAlive() {
    guard.check();
    return stateOpaque() != DEAD;
  }

  /**
   * @return whether this object is immortal (PEP 683): its count never changes and it is never
   *     deallocated
   */
  public final boolean isImmortal() {
    return strategy == IMMORTAL;
  }

  /** The count without a guard check: for the space's census and the collector. */
  final long refCountSnapshot() {
    return switch (strategy) {
      case PLAIN -> count;
      case ATOMIC -> countOpaque();
      case BIASED -> countOpaque() + (sharedOpaque() >> SHARED_SHIFT);
      default -> IMMORTAL_REFCOUNT;
    };
  }

  // ---------------------------------------------------------------- biased merging (PEP 703)

  /** Non-owner decref of a BIASED object. */
  private void decrefShared() {
    long now = getAndAddShared(-ONE_SHARED) - ONE_SHARED;
    long sharedCount = now >> SHARED_SHIFT;
    long sharedState = now & SHARED_STATE_MASK;
    if (sharedState == SHARED_MERGED) {
      if (sharedCount < 0) {
        getAndAddShared(ONE_SHARED);
        throw belowZero(0);
      }
      if (sharedCount == 0) {
        space.deallocate(this);
      }
    } else if (sharedCount < 0 && sharedState == SHARED_DEFAULT) {
      // The owner may hold the matching local references: only it can tell. Queue once.
      for (long s = sharedVolatile();
          (s & SHARED_STATE_MASK) == SHARED_DEFAULT;
          s = sharedVolatile()) {
        if (casShared(s, s | SHARED_QUEUED)) {
          space.queueForMerge(this);
          break;
        }
      }
    }
  }

  /** The owner's local count reached zero: give up ownership, dealloc if the shared count is 0. */
  private void mergeZeroLocal() {
    long s;
    do {
      s = sharedVolatile();
    } while (!casShared(s, (s & ~SHARED_STATE_MASK) | SHARED_MERGED));
    setOwnerRelease(null);
    long total = s >> SHARED_SHIFT;
    if (total == 0) {
      space.deallocate(this);
    } else if (total < 0) {
      throw mergedBelowZero(total);
    }
  }

  /**
   * Folds the local count into the shared one and drops ownership (CPython's {@code
   * _Py_ExplicitMergeRefcount}); deallocates at zero. Called by the owner, or by any thread once
   * the owner has ended. A no-op when already merged.
   */
  final void mergeRefCounts() {
    long s;
    long total;
    do {
      s = sharedVolatile();
      if ((s & SHARED_STATE_MASK) == SHARED_MERGED) {
        return;
      }
      total = count + (s >> SHARED_SHIFT);
    } while (!casShared(s, (total << SHARED_SHIFT) | SHARED_MERGED));
    count = 0;
    setOwnerRelease(null);
    if (total == 0) {
      space.deallocate(this);
    } else if (total < 0) {
      throw mergedBelowZero(total);
    }
  }

  /**
   * @return the BIASED owner as last published
   */
  final Thread ownerAcquire() {
    return (Thread) OWNER.getAcquire(this);
  }

  private void setOwnerRelease(Thread thread) {
    OWNER.setRelease(this, thread);
  }

  // ---------------------------------------------------------------- field accessors by ordering

  final int countOpaque() {
    return (int) COUNT.getOpaque(this);
  }

  final int getAndAddCount(int delta) {
    return (int) COUNT.getAndAdd(this, delta);
  }

  final long sharedOpaque() {
    return (long) SHARED.getOpaque(this);
  }

  final long sharedVolatile() {
    return (long) SHARED.getVolatile(this);
  }

  final long getAndAddShared(long delta) {
    return (long) SHARED.getAndAdd(this, delta);
  }

  final boolean casShared(long expected, long update) {
    return SHARED.compareAndSet(this, expected, update);
  }

  final byte stateOpaque() {
    return (byte) STATE.getOpaque(this);
  }

  final boolean casState(byte expected, byte update) {
    return STATE.compareAndSet(this, expected, update);
  }

  final void setStateRelease(byte update) {
    STATE.setRelease(this, update);
  }

  // ---------------------------------------------------------------- hooks for types

  /**
   * Checks that the calling thread may touch this object and that it is alive: call it first in
   * every operation of a subclass. It is a guard checkpoint (for a GIL, a point where the GIL may
   * be handed over) and, when the leak detector watches this object, an access record.
   *
   * @param operation the operation's name, for messages
   * @throws UseAfterFreeException if the object was deallocated
   * @throws dev.baton.core.BatonMisuseException if the calling thread may not touch the object
   */
  protected final void checkAccess(String operation) {
    guard.check();
    if (state == DEAD) {
      throw useAfterFree(operation);
    }
    if (watched != null) {
      watched.record(operation, this);
    }
  }

  /**
   * Checks that this object may hold a reference to {@code referent}: the referent belongs to this
   * object's space or is immortal. A container calls it before it takes a reference to store, so a
   * rejected store changes nothing. Objects of two spaces are guarded by two guards; a reference
   * from one to the other could be neither counted nor released under either.
   *
   * @param referent the object to be referenced
   * @param operation the operation's name, for messages
   * @throws BatonMisuseException if {@code referent} belongs to another space
   */
  protected final void checkReferent(RcObject referent, String operation) {
    if (referent.space != space && referent.space != null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called "
              + operation
              + " on "
              + describe()
              + " with "
              + referent.describe()
              + "; spaces do not share objects (as CPython's interpreters do not), so a"
              + " container holds only objects of its own space and immortals: create the"
              + " object in space \""
              + space.name()
              + "\" (copy its value across) instead");
    }
  }

  /**
   * Visits every reference this object holds ({@code tp_traverse}). Containers must override it;
   * the default holds none. Called by the cycle collector with the guard held; must not change
   * anything.
   *
   * @param visitor receives each referenced object
   */
  protected void traverse(ReferenceVisitor visitor) {}

  /**
   * Drops every reference this object holds and hands each to {@code release} ({@code tp_clear}),
   * which gives it back. Drop them from this object's own state before handing any over: releasing
   * one may run other code. Called at deallocation and by the cycle collector to break cycles.
   * Containers must override it; the default holds none.
   *
   * @param release gives back one reference per call
   */
  protected void clearReferences(ReferenceVisitor release) {}

  /**
   * Helper for {@link #clearReferences(ReferenceVisitor)}: empties {@code references} first, then
   * hands each former element to {@code release}.
   *
   * @param references a container's held references; empty afterwards
   * @param release gives back one reference per call
   */
  protected static void releaseAll(
      java.util.Collection<? extends RcObject> references, ReferenceVisitor release) {
    if (references.isEmpty()) {
      return;
    }
    List<RcObject> dropped = new ArrayList<>(references);
    references.clear();
    for (RcObject reference : dropped) {
      release.visit(reference);
    }
  }

  /**
   * The type's finalizer ({@code tp_finalize}, PEP 442): runs once in the object's life, before its
   * references are cleared, when its count reaches zero or when the cycle collector finds it
   * unreachable. It may resurrect the object by storing a new reference to it somewhere reachable;
   * the object then lives on and its finalizer does not run again. Exceptions are logged and
   * ignored, as CPython does with {@code __del__}.
   */
  protected void finalizeObject() {}

  /**
   * Releases what the object owns besides references (a box's close action): the type's part of
   * {@code tp_dealloc}. Runs once, after {@link #clearReferences(ReferenceVisitor)}. Exceptions are
   * logged and ignored.
   */
  protected void deallocate() {}

  /**
   * @return the type's name for messages (CPython's {@code tp_name}); must not depend on state
   */
  protected String typeName() {
    return getClass().getSimpleName();
  }

  // ---------------------------------------------------------------- weak references

  final void addWeakref(WeakRc<?> ref) {
    synchronized (this) {
      if (weakrefs == null) {
        weakrefs = new ArrayList<>(2);
      }
      weakrefs.add(ref);
    }
  }

  final void removeWeakref(WeakRc<?> ref) {
    synchronized (this) {
      if (weakrefs != null) {
        weakrefs.remove(ref);
      }
    }
  }

  /**
   * @return the weak references to this object, which are detached from it
   */
  final List<WeakRc<?>> takeWeakrefs() {
    synchronized (this) {
      List<WeakRc<?>> refs = weakrefs;
      weakrefs = null;
      return refs == null ? List.of() : refs;
    }
  }

  // ---------------------------------------------------------------- identity and messages

  /**
   * Identity: objects are equal only to themselves.
   *
   * @param other another object
   * @return {@code this == other}
   */
  @Override
  public final boolean equals(Object other) {
    return this == other;
  }

  /**
   * @return the identity hash code
   */
  @Override
  public final int hashCode() {
    return System.identityHashCode(this);
  }

  /**
   * @return type and identity, e.g. {@code list#42}; never touches the guard
   */
  @Override
  public String toString() {
    return strategy == IMMORTAL ? typeName() + "(immortal)" : typeName() + "#" + id;
  }

  final String describe() {
    return toString() + (space == null ? "" : " of space \"" + space.name() + "\"");
  }

  final UseAfterFreeException useAfterFree(String operation) {
    return new UseAfterFreeException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + operation
            + " on "
            + describe()
            + " after it was deallocated (its reference count had reached zero); own a reference"
            + " (incref, or an OwnedRef) for as long as you use an object");
  }

  private UseAfterFreeException belowZero(long current) {
    return new UseAfterFreeException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" decref'd "
            + describe()
            + (stateOpaque() == DEAD ? ", already deallocated," : "")
            + " with reference count "
            + current
            + ", which would take it below zero; decref only references you own (a new object,"
            + " an incref), once each");
  }

  private UseAfterFreeException mergedBelowZero(long total) {
    return new UseAfterFreeException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" merged the biased counts of "
            + describe()
            + " and found "
            + total
            + ": other threads decref'd references they did not own; decref only references you"
            + " own, once each");
  }
}
