package dev.baton.gil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's totals on one GIL. Each field is written only by its own thread (opaque stores, no
 * fence on the release path) and read racily by {@link Gil#stats()} snapshots.
 */
final class ThreadStats {
  private static final VarHandle ACQUISITIONS;
  private static final VarHandle HELD;
  private static final VarHandle WAITED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ACQUISITIONS = lookup.findVarHandle(ThreadStats.class, "acquisitions", long.class);
      HELD = lookup.findVarHandle(ThreadStats.class, "heldNanos", long.class);
      WAITED = lookup.findVarHandle(ThreadStats.class, "waitedNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Thread thread;
  final String name;

  @SuppressWarnings("unused") // through ACQUISITIONS
  private long acquisitions;

  @SuppressWarnings("unused") // through HELD
  private long heldNanos;

  @SuppressWarnings("unused") // through WAITED
  private long waitedNanos;

  ThreadStats(Thread thread, String name) {
    this.thread = thread;
    this.name = name;
  }

  /** Own thread only. */
  void acquired() {
    ACQUISITIONS.setOpaque(this, (long) ACQUISITIONS.getOpaque(this) + 1);
  }

  /** Own thread only. */
  void held(long nanos) {
    HELD.setOpaque(this, (long) HELD.getOpaque(this) + nanos);
  }

  /** Own thread only. */
  void waited(long nanos) {
    WAITED.setOpaque(this, (long) WAITED.getOpaque(this) + nanos);
  }

  GilStats.ThreadTotals snapshot(long currentTenureNanos) {
    return new GilStats.ThreadTotals(
        name,
        thread.threadId(),
        (long) ACQUISITIONS.getOpaque(this),
        java.time.Duration.ofNanos((long) HELD.getOpaque(this) + currentTenureNanos),
        java.time.Duration.ofNanos((long) WAITED.getOpaque(this)));
  }
}
