package dev.baton.core.object;

/**
 * How hard an {@link ObjectSpace} looks for leaked references: objects reclaimed by the Java
 * garbage collector while their reference count was still above zero, so their release (a box's
 * close action, the release of what they hold) never ran. Netty's {@code ResourceLeakDetector}
 * levels are the model.
 */
public enum LeakDetection {
  /** No leak is reported; {@link ObjectSpace#leakedObjects()} still counts them. */
  DISABLED,

  /**
   * One object in {@value LeakDetection#SAMPLING_INTERVAL} is watched; a leak among them is logged
   * once with its type and last known reference count. Costs one null check per reference-count
   * operation for the unwatched objects.
   */
  SIMPLE,

  /**
   * Like {@link #SIMPLE}, and the report also gives the allocation stack and the stacks of the last
   * accesses (increfs, decrefs, operations). Watched objects become much slower.
   */
  ADVANCED,

  /** Like {@link #ADVANCED} for every object: for tests and for hunting a known leak. */
  PARANOID;

  /** One object in this many is watched at {@link #SIMPLE} and {@link #ADVANCED}, as in Netty. */
  public static final int SAMPLING_INTERVAL = 128;

  /** How many access records a watched object keeps (the most recent ones). */
  public static final int MAX_ACCESS_RECORDS = 4;
}
