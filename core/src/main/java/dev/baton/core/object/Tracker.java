package dev.baton.core.object;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;

/**
 * An object's entry in its space's census, and its leak record when the leak detector watches it.
 * The Java garbage collector enqueues it when the object becomes unreachable from Java; if the
 * object had not been deallocated by then, its references leaked.
 */
final class Tracker extends WeakReference<RcObject> {

  /** Frames left out of reports: the detector's own. */
  private static final java.util.Set<String> INTERNAL_FRAMES =
      java.util.Set.of(
          Tracker.class.getName(), RcObject.class.getName(), ObjectSpace.class.getName());

  /** Type and identity of the object, kept for the report after the object is gone. */
  final String description;

  /** The detector level when watched, else null. */
  private final LeakDetection level;

  /** Where the object was allocated (ADVANCED and PARANOID), else null. */
  private final Throwable allocation;

  /** The most recent accesses, oldest first (ADVANCED and PARANOID); guarded by {@code this}. */
  private final ArrayDeque<AccessRecord> records;

  /** Reference count after the last recorded operation; written by any thread touching it. */
  private volatile long lastRefCount = 1;

  Tracker(
      RcObject object, ReferenceQueue<RcObject> queue, String description, LeakDetection level) {
    super(object, queue);
    this.description = description;
    this.level = level;
    boolean detailed = level == LeakDetection.ADVANCED || level == LeakDetection.PARANOID;
    this.allocation =
        detailed ? new Throwable("allocated by thread \"" + threadName() + "\"") : null;
    this.records = detailed ? new ArrayDeque<>(LeakDetection.MAX_ACCESS_RECORDS) : null;
  }

  boolean isWatching() {
    return level != null;
  }

  /** Notes an operation on the watched object. */
  void record(String operation, RcObject object) {
    lastRefCount = object.refCountSnapshot();
    if (records != null) {
      AccessRecord record = new AccessRecord(operation, threadName(), lastRefCount);
      synchronized (this) {
        if (records.size() == LeakDetection.MAX_ACCESS_RECORDS) {
          records.removeFirst();
        }
        records.addLast(record);
      }
    }
  }

  /**
   * @param spaceName the space, for the message
   * @return the leak report, with the allocation and access records when kept
   */
  String report(String spaceName) {
    StringBuilder out = new StringBuilder();
    out.append("LEAK: ")
        .append(description)
        .append(" of space \"")
        .append(spaceName)
        .append("\" was reclaimed by the Java garbage collector while its reference count was ")
        .append(lastRefCount)
        .append(": a decref is missing, so its release never ran.");
    if (allocation == null) {
      out.append(" Use leak detection ADVANCED or PARANOID to see where it was allocated and")
          .append(" last used.");
      return out.toString();
    }
    synchronized (this) {
      out.append(" Recent accesses, most recent first:");
      AccessRecord[] recent = records.toArray(new AccessRecord[0]);
      for (int i = recent.length - 1; i >= 0; i--) {
        appendTrace(out, recent[i].getMessage(), recent[i].getStackTrace());
      }
    }
    appendTrace(out, allocation.getMessage(), allocation.getStackTrace());
    return out.toString();
  }

  private static void appendTrace(StringBuilder out, String title, StackTraceElement[] trace) {
    out.append(System.lineSeparator()).append("  ").append(title);
    for (StackTraceElement frame : trace) {
      if (!INTERNAL_FRAMES.contains(frame.getClassName())) {
        out.append(System.lineSeparator()).append("    at ").append(frame);
      }
    }
  }

  private static String threadName() {
    return Thread.currentThread().getName();
  }

  /** One recorded access: its stack is where it happened. */
  private static final class AccessRecord extends Throwable {
    private static final long serialVersionUID = 1L;

    AccessRecord(String operation, String thread, long refCount) {
      super(operation + " by thread \"" + thread + "\", reference count then " + refCount);
    }
  }
}
