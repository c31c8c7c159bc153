package dev.baton.core.object;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * CPython's cycle collector ({@code Modules/gcmodule.c}) over one space's tracked containers.
 *
 * <ol>
 *   <li>{@code update_refs}: each container's {@code gcRefs} starts at its reference count.
 *   <li>{@code subtract_refs}: every reference from one collected container to another subtracts
 *       one, so what is left counts the references from outside the collected set.
 *   <li>{@code move_unreachable}: containers with outside references are reachable, and so is all
 *       they reach; the rest is garbage held only by itself. Survivors move to the next older
 *       generation.
 *   <li>{@code handle_weakrefs}: weak references to the garbage are cleared and their callbacks
 *       run, so that nothing can reach the garbage through them.
 *   <li>PEP 442: garbage whose finalizer has not run is finalized, once; the first three steps run
 *       again over the garbage, and whatever a finalizer made reachable from outside is
 *       resurrected.
 *   <li>{@code delete_garbage}: every remaining garbage object is held by one extra reference,
 *       cleared ({@code tp_clear}), then released, so that the whole cycle reaches zero and is
 *       deallocated normally (finalizers do not run again).
 * </ol>
 *
 * <p>Runs on a thread holding the space's guard, with the space's {@code collecting} mark set. It
 * holds the space's gcLock for steps 1-3 and the recount of step 5, and releases it for callbacks,
 * finalizers and decrefs: they pass guard checkpoints, where a GIL may go to another thread that
 * then allocates (and needs gcLock). Such a thread may add containers (not collected this time) or
 * free some of the collected ones (skipped as dead).
 */
final class CycleCollector {

  private CycleCollector() {}

  static int collect(ObjectSpace space, int generation) {
    List<RcObject> garbage;
    synchronized (space.gcLock) {
      List<RcObject> young = space.containersUpTo(generation);
      garbage = unreachable(young);
      for (RcObject object : young) {
        if (!object.gcCollecting) {
          space.promote(object, generation);
        }
      }
    }

    for (RcObject object : garbage) {
      for (WeakRc<?> ref : object.takeWeakrefs()) {
        ref.referentDied();
      }
    }
    for (RcObject object : garbage) {
      if (!object.finalized && object.stateOpaque() == RcObject.ALIVE) {
        object.finalized = true;
        space.runFinalizer(object);
      }
    }

    List<RcObject> doomed;
    synchronized (space.gcLock) {
      List<RcObject> survivors = new ArrayList<>(garbage.size());
      for (RcObject object : garbage) {
        if (object.stateOpaque() == RcObject.ALIVE && object.refCountSnapshot() > 0) {
          survivors.add(object);
        } else {
          object.gcCollecting = false;
        }
      }
      doomed = unreachable(survivors);
      for (RcObject object : survivors) {
        if (!object.gcCollecting) {
          space.promote(object, generation); // resurrected by a finalizer
        }
      }
      for (RcObject object : doomed) {
        object.gcCollecting = false;
      }
    }

    for (RcObject object : doomed) {
      object.incref();
    }
    for (RcObject object : doomed) {
      space.clearReferences(object);
    }
    for (RcObject object : doomed) {
      object.decref();
    }
    synchronized (space.gcLock) {
      space.collected(generation, doomed.size());
    }
    return doomed.size();
  }

  /**
   * Steps 1 to 3 over {@code set}, with gcLock held. Leaves {@code gcCollecting} set on the
   * returned unreachable objects only.
   */
  private static List<RcObject> unreachable(List<RcObject> set) {
    for (RcObject object : set) {
      object.gcCollecting = true;
      object.gcReachable = false;
      object.gcRefs = object.refCountSnapshot();
    }
    ReferenceVisitor subtract =
        referent -> {
          if (referent.gcCollecting) {
            referent.gcRefs--;
          }
        };
    for (RcObject object : set) {
      object.traverse(subtract);
    }
    ArrayDeque<RcObject> reachable = new ArrayDeque<>();
    for (RcObject object : set) {
      if (object.gcRefs > 0) {
        object.gcReachable = true;
        reachable.push(object);
      }
    }
    ReferenceVisitor mark =
        referent -> {
          if (referent.gcCollecting && !referent.gcReachable) {
            referent.gcReachable = true;
            reachable.push(referent);
          }
        };
    while (!reachable.isEmpty()) {
      reachable.pop().traverse(mark);
    }
    List<RcObject> garbage = new ArrayList<>();
    for (RcObject object : set) {
      if (object.gcReachable) {
        object.gcCollecting = false;
      } else {
        garbage.add(object);
      }
    }
    return garbage;
  }
}
