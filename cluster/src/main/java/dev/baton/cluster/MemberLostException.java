package dev.baton.cluster;

import dev.baton.process.WorkerCrashedException;
import java.util.List;
import java.util.UUID;

/**
 * The cluster member running a task left the cluster, or could no longer be reached, before it
 * answered: its JVM died, was killed, shut down, or the network between it and the caller failed.
 * Only the tasks that member held fail this way (or run again elsewhere, when submitted with
 * retries). It is a {@link WorkerCrashedException}, so code that handles a dead worker of a {@link
 * dev.baton.process.ProcessPool} handles a lost member of a {@link ClusterPool} too; {@link #pid()}
 * is the member JVM's process id when the member published it, and the exit code and stderr tail
 * are unknown. Thrown by a blocking call, or carried by the future, of a task its member held.
 */
public final class MemberLostException extends WorkerCrashedException {
  private static final long serialVersionUID = 1L;

  private final String member;
  private final UUID memberUuid;

  /**
   * A loss whose member is not known: no address, no UUID, pid -1.
   *
   * @param message what happened
   */
  public MemberLostException(String message) {
    this(message, (Throwable) null);
  }

  /**
   * A loss whose member is not known: no address, no UUID, pid -1.
   *
   * @param message what happened
   * @param cause what reported it, or null
   */
  public MemberLostException(String message, Throwable cause) {
    super(message, cause);
    this.member = null;
    this.memberUuid = null;
  }

  /**
   * @param message what happened: the member, the task and what to do
   * @param member the member's address, {@code host:port}
   * @param memberUuid the member's Hazelcast UUID
   * @param pid the member JVM's process id, or -1 when unknown
   */
  public MemberLostException(String message, String member, UUID memberUuid, long pid) {
    super(message, pid, null, List.of());
    this.member = member;
    this.memberUuid = memberUuid;
  }

  /**
   * @return the lost member's address, {@code host:port}, or null when unknown
   */
  public String member() {
    return member;
  }

  /**
   * @return the lost member's Hazelcast UUID, or null when unknown
   */
  public UUID memberUuid() {
    return memberUuid;
  }
}
