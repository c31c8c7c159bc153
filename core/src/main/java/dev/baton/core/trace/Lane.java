package dev.baton.core.trace;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One row of a timeline: a thread, an event-loop task or a worker process.
 *
 * <p>The tracer makes a lane for each thread that records; an event loop makes one per task and a
 * process pool one per worker with {@link #of(LaneKind, String)} or {@link #of(LaneKind, String,
 * long)}. Diagrams order lanes by {@link #id()}, i.e. by creation.
 *
 * @param id unique within a trace; orders the rows
 * @param kind what the lane stands for
 * @param name the row's label
 * @param processId the operating-system process the lane belongs to (workers have their own)
 */
public record Lane(long id, LaneKind kind, String name, long processId) {
  private static final AtomicLong NEXT_ID = new AtomicLong(1);
  private static final long CURRENT_PID = ProcessHandle.current().pid();

  /**
   * @throws NullPointerException if {@code kind} or {@code name} is null
   */
  public Lane {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  // equals and hashCode by hand: the generated ones bootstrap through invokedynamic, which costs
  // a cold JVM (a worker shipping its first task's events) tens of milliseconds

  @Override
  public boolean equals(Object o) {
    return o instanceof Lane other
        && id == other.id
        && processId == other.processId
        && kind == other.kind
        && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  /**
   * A new lane in this process, with the next id.
   *
   * @param kind what the lane stands for
   * @param name the row's label
   * @return the lane; thread-safe, allocates
   */
  public static Lane of(LaneKind kind, String name) {
    return new Lane(NEXT_ID.getAndIncrement(), kind, name, CURRENT_PID);
  }

  /**
   * A new lane in another process (a worker), with the next id.
   *
   * @param kind what the lane stands for
   * @param name the row's label
   * @param processId that process's id
   * @return the lane; thread-safe, allocates
   */
  public static Lane of(LaneKind kind, String name, long processId) {
    return new Lane(NEXT_ID.getAndIncrement(), kind, name, processId);
  }

  /**
   * @return this JVM's process id, the {@link #processId()} of lanes made by {@link #of(LaneKind,
   *     String)}
   */
  public static long currentProcessId() {
    return CURRENT_PID;
  }
}
