package dev.baton.gil;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a thread of a scheduled run that blocks outside the schedule, and words the failure; the
 * starter's watch in {@code DeterministicSync.awaitRunEnd} calls it, the mutex held, when the run
 * has made no progress for a while. What is found exactly and what only by the budget is in
 * DeterministicSync's block comment ("Blocked outside the schedule").
 */
final class BlockedRun {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private BlockedRun() {}

  /**
   * @return the failure when a thread of the run can never go on whatever time passes: a lock cycle
   *     the JVM sees among the run's threads, or a chain of JDK locks from the running thread to a
   *     thread that waits for the schedule; null when none is found
   */
  static IllegalStateException exact(
      DeterministicSync sync, List<DeterministicSync.Rec> threads, DeterministicSync.Rec running) {
    long[] cycle = THREADS.findDeadlockedThreads();
    if (cycle != null) {
      List<DeterministicSync.Rec> caught = new ArrayList<>();
      for (long id : cycle) {
        DeterministicSync.Rec r = sync.recOf(id);
        if (r != null && r.state != DeterministicSync.State.ENDED) {
          caught.add(r);
        }
      }
      if (!caught.isEmpty()) {
        StringBuilder what = new StringBuilder();
        for (DeterministicSync.Rec r : caught) {
          what.append(what.isEmpty() ? "" : "; ").append(waitOf(sync, r, info(r)));
        }
        return failure(
            sync,
            caught,
            "a lock cycle the JVM detects (a deadlock on monitors or java.util.concurrent locks): "
                + what
                + "; take the locks in one order, or use GilLock, which the schedule controls");
      }
    }
    if (running == null) {
      return null;
    }
    ThreadInfo at = info(running);
    StringBuilder chain = new StringBuilder();
    for (int hops = 0; at != null && hops <= threads.size(); hops++) {
      DeterministicSync.Rec owner = sync.recOf(at.getLockOwnerId());
      if (owner == null || owner == running) {
        return null; // free, owned outside the run, or a cycle (the JVM reports those)
      }
      DeterministicSync.Rec waiter = sync.recOf(at.getThreadId());
      chain.append(chain.isEmpty() ? "" : "; ").append(waitOf(sync, waiter, at));
      switch (owner.state) {
        case READY, WAITING, ARRIVING -> {
          return failure(
              sync,
              List.of(running),
              "it holds the GIL and waits for a JDK lock that a thread waiting for the schedule"
                  + " holds, so neither can go on: "
                  + chain
                  + "; thread "
                  + owner.id
                  + " (\""
                  + owner.thread.getName()
                  + "\") is "
                  + owner.state
                  + " under the schedule; take the locks in one order, or use GilLock, which"
                  + " the schedule controls");
        }
        case BLOCKED -> at = info(owner);
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * @return the failure of a run that made no progress for {@code stuckNanos}, at least the budget:
   *     blames the running thread, else the threads in blocking sections
   */
  static IllegalStateException overBudget(
      DeterministicSync sync,
      List<DeterministicSync.Rec> threads,
      DeterministicSync.Rec running,
      long stuckNanos) {
    List<DeterministicSync.Rec> blamed = new ArrayList<>();
    if (running != null) {
      blamed.add(running);
    } else {
      for (DeterministicSync.Rec r : threads) {
        if (r.state == DeterministicSync.State.BLOCKED) {
          blamed.add(r);
        }
      }
    }
    if (blamed.isEmpty()) {
      for (DeterministicSync.Rec r : threads) {
        if (r.state != DeterministicSync.State.ENDED) {
          blamed.add(r);
        }
      }
    }
    StringBuilder what = new StringBuilder();
    for (DeterministicSync.Rec r : blamed) {
      what.append(what.isEmpty() ? "" : "; ").append(waitOf(sync, r, info(r)));
    }
    return failure(
        sync,
        blamed,
        "no scheduling point for "
            + stuckNanos / 1_000_000
            + " ms, over the run's budget of "
            + sync.schedule().blockingBudgetNanos() / 1_000_000
            + " ms: "
            + what
            + "; the schedule controls GilLock, GilRLock, GilCondition, GilEvent, GilQueue,"
            + " GilSemaphore, joins and sleeps, not a monitor, a java.util.concurrent lock or"
            + " real I/O; raise the budget with GilSchedule.blockingBudget(Duration) if the wait"
            + " was about to end");
  }

  private static IllegalStateException failure(
      DeterministicSync sync, List<DeterministicSync.Rec> blamed, String why) {
    StringBuilder who = new StringBuilder();
    for (DeterministicSync.Rec r : blamed) {
      who.append(who.isEmpty() ? "" : " and ")
          .append("thread ")
          .append(r.id)
          .append(" (\"")
          .append(r.thread.getName())
          .append("\")");
    }
    IllegalStateException e =
        new IllegalStateException(
            who
                + " of runtime \""
                + sync.gilName()
                + "\" blocked outside the schedule under "
                + sync.schedule().description()
                + ": "
                + why
                + "; the run is abandoned (stack: "
                + blamed.get(0).thread.getName()
                + "'s)");
    e.setStackTrace(blamed.get(0).thread.getStackTrace());
    for (int i = 1; i < blamed.size(); i++) {
      Throwable other =
          new IllegalStateException("stack of \"" + blamed.get(i).thread.getName() + "\"");
      other.setStackTrace(blamed.get(i).thread.getStackTrace());
      e.addSuppressed(other);
    }
    return e;
  }

  private static ThreadInfo info(DeterministicSync.Rec r) {
    return THREADS.getThreadInfo(r.thread.threadId(), 0);
  }

  /** "thread 2 ("b") holding the GIL, BLOCKED on Object@1f held by thread 1 ("a")". */
  private static String waitOf(DeterministicSync sync, DeterministicSync.Rec r, ThreadInfo info) {
    StringBuilder out = new StringBuilder();
    if (r != null) {
      out.append("thread ")
          .append(r.id)
          .append(" (\"")
          .append(r.thread.getName())
          .append("\") ")
          .append(
              switch (r.state) {
                case RUNNING -> "holding the GIL";
                case BLOCKED -> "in a blocking section";
                default -> r.state.toString();
              });
    }
    if (info == null) {
      return out.append(", ended").toString();
    }
    out.append(", ").append(info.getThreadState());
    LockInfo lock = info.getLockInfo();
    if (lock != null) {
      out.append(" on ").append(lock);
      long owner = info.getLockOwnerId();
      if (owner != -1) {
        DeterministicSync.Rec o = sync.recOf(owner);
        out.append(" held by ")
            .append(
                o == null
                    ? "\"" + info.getLockOwnerName() + "\""
                    : "thread " + o.id + " (\"" + o.thread.getName() + "\")");
      }
    }
    if (info.isInNative()) {
      out.append(", in native code (I/O)");
    }
    return out.toString();
  }
}
