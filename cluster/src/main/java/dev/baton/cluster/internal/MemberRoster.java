package dev.baton.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MemberSelector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which members of the cluster a pool sends tasks to: Baton members only, proved against the
 * cluster's secret when it has one, a member whose invocation failed kept out for a while. The
 * scheduler ({@link Dispatcher}) gives a member admitted here its places ({@link Seats}) and sends
 * it tasks; the roster is guarded by the scheduler's lock.
 */
final class MemberRoster {
  /*
   * Admission (`admitLocked`): a member takes part when it carries the SLOTS attribute (a Baton
   * member) and is not a lite member; any other is skipped with a log line, and one whose slot
   * count does not parse is refused. A member the roster knows is in one place at a time: seated
   * (the scheduler's members), `proving`, `suspects` or `refused`; admitting it again does
   * nothing, and a member that leaves (`forgetLocked`) is forgotten wherever it was.
   *
   * Trust (a cluster with a secret): a member takes part only once it has answered a random
   * challenge with the proof ClusterKeys.prove gives for its own UUID; until then it is in
   * `proving`, and one that fails is in `refused` until it leaves. Every answer must carry the tag
   * ClusterKeys.signAnswer gives for the member it was sent to and the task it answers; an answer
   * that does not is never decoded (the scheduler checks it), and its member is treated as lost
   * (its tasks fail or run again elsewhere) and refused (`refuseLocked`).
   *
   * Suspects (`suspectLocked`): a member whose invocation failed with a member-left or
   * target-disconnected exception is taken out of the rotation at once, before Hazelcast's failure
   * detector has removed it, so that a retry does not go back to it; so is a member that could not
   * be asked for its proof. It comes back after the suspicion time (the failure-detection timeout)
   * if it is still a member by then: the scheduler's periodic tick admits it again
   * (`readmitDueLocked`), and with a secret it proves itself again.
   *
   * Concurrency: every field is guarded by the scheduler's lock, which the roster is given (it has
   * none of its own); methods named Locked need it. The challenge is a remote call and is never
   * made under it: `admitLocked` adds it to the caller's sends, which run once the lock is
   * released. Its answer arrives on a Hazelcast thread (or on the sender's, answered already):
   * `proved` takes the lock, admits, dispatches, and hands the sends to the callback threads.
   */

  /** The scheduler's logger: every line about a pool's members, admitted or lost, goes to one. */
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /**
   * The members that run a Baton executor: not lite, and publishing their slot count. A member it
   * selects still proves that it holds the secret before it is sent a task, in a cluster that has
   * one.
   */
  static final MemberSelector BATON_MEMBERS =
      m -> !m.isLiteMember() && m.getAttribute(Settings.SLOTS) != null;

  /**
   * Runs the challenge's answer on the thread that completes it: it only takes the lock briefly.
   */
  private static final Executor DIRECT = Runnable::run;

  /**
   * The scheduler's side: where an admitted member takes its places. The methods named Locked run
   * under the scheduler's lock; the others never do.
   */
  interface Seats {
    /**
     * @return whether the member has places in the rotation
     */
    boolean seatedLocked(UUID member);

    /** Gives an admitted member its places in the rotation. */
    void seatLocked(Member member, int slots);

    /**
     * @return the sends that give queued tasks to free places, to run outside the lock
     */
    List<Runnable> dispatchLocked();

    /** Runs sends on the callback threads. */
    void sendLater(List<Runnable> sends);

    /**
     * Sends a member the challenge: a remote call. A failure to send it, thrown or in the stage, is
     * a challenge that could not be answered.
     *
     * @return the member's answer, its proof
     */
    CompletionStage<byte[]> challenge(Member member, byte[] nonce);

    /**
     * @return the cluster's members now, or none when the pool's Hazelcast instance has stopped
     */
    Collection<Member> presentLocked();
  }

  private final String poolName;
  private final ClusterKeys keys;
  private final Duration suspicion;
  private final ReentrantLock lock;
  private final Seats seats;
  private final SecureRandom random = new SecureRandom();
  private final Map<UUID, Long> suspects = new LinkedHashMap<>();
  private final Set<UUID> proving = new LinkedHashSet<>();
  private final Set<UUID> refused = new LinkedHashSet<>();

  /**
   * @param poolName the pool's name, for logs
   * @param keys the cluster's keys, or null without a secret
   * @param suspicion how long a member whose invocation failed stays out of the rotation
   * @param lock the scheduler's lock, which guards the roster
   * @param seats the scheduler's side
   */
  MemberRoster(
      String poolName, ClusterKeys keys, Duration suspicion, ReentrantLock lock, Seats seats) {
    this.poolName = poolName;
    this.keys = keys;
    this.suspicion = suspicion;
    this.lock = lock;
    this.seats = seats;
  }

  /**
   * Admits a member the roster does not know yet: seats it now, or, with a secret, adds its
   * challenge to {@code sends}, which the caller runs once it has released the lock.
   */
  void admitLocked(Member m, List<Runnable> sends) {
    UUID id = m.getUuid();
    if (seats.seatedLocked(id)
        || suspects.containsKey(id)
        || proving.contains(id)
        || refused.contains(id)) {
      return;
    }
    if (!BATON_MEMBERS.select(m)) {
      LOG.info(
          "pool {}: member {} runs no Baton executor (lite, or not started by Baton): no tasks"
              + " go to it",
          poolName,
          m.getAddress());
      return;
    }
    if (keys != null) {
      proving.add(id);
      sends.add(() -> challenge(m));
      return;
    }
    admitNowLocked(m);
  }

  private void admitNowLocked(Member m) {
    int slots;
    try {
      slots = Integer.parseInt(m.getAttribute(Settings.SLOTS));
    } catch (NumberFormatException e) {
      LOG.warn(
          "pool {}: member {} publishes no slot count; no tasks go to it",
          poolName,
          m.getAddress());
      refused.add(m.getUuid());
      return;
    }
    seats.seatLocked(m, slots);
  }

  /** Keeps a member out of the rotation for the suspicion time; the scheduler has unseated it. */
  void suspectLocked(UUID member) {
    suspects.put(member, System.nanoTime() + suspicion.toNanos());
  }

  /** Keeps a member out until it leaves; the scheduler has unseated it. */
  void refuseLocked(UUID member) {
    refused.add(member);
  }

  /** Forgets a member that left the cluster, wherever it was but in its seat (the scheduler's). */
  void forgetLocked(UUID member) {
    suspects.remove(member);
    proving.remove(member);
    refused.remove(member);
  }

  /**
   * @return whether some member is kept out for the suspicion time
   */
  boolean hasSuspectsLocked() {
    return !suspects.isEmpty();
  }

  /**
   * Admits again the suspects whose suspicion time is over at {@code now} ({@link System#nanoTime})
   * and that are still members; their challenges, with a secret, go to {@code sends}.
   */
  void readmitDueLocked(long now, List<Runnable> sends) {
    List<UUID> due = new ArrayList<>();
    suspects.forEach(
        (uuid, until) -> {
          if (now - until >= 0) {
            due.add(uuid);
          }
        });
    due.forEach(suspects::remove);
    if (!due.isEmpty()) {
      for (Member m : seats.presentLocked()) {
        if (due.contains(m.getUuid())) {
          admitLocked(m, sends);
        }
      }
    }
  }

  /** Asks a member to prove that it holds the cluster's secret; admits it if it does. */
  private void challenge(Member m) {
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    CompletionStage<byte[]> answer;
    try {
      answer = seats.challenge(m, nonce);
    } catch (RuntimeException e) {
      proved(m, false, e);
      return;
    }
    answer.whenCompleteAsync(
        (reply, failure) ->
            proved(m, failure == null && keys.checkProof(nonce, m.getUuid(), reply), failure),
        DIRECT);
  }

  /**
   * Admits a member that proved it holds the secret; refuses one that answered something else until
   * it leaves; a challenge that could not be answered (the member unreachable for a moment) is
   * asked again after the suspicion time, as a suspect's.
   */
  private void proved(Member m, boolean ok, Throwable failure) {
    List<Runnable> sends;
    lock.lock();
    try {
      if (!proving.remove(m.getUuid())) {
        return; // it left meanwhile
      }
      if (ok) {
        admitNowLocked(m);
      } else if (failure != null) {
        suspectLocked(m.getUuid());
        LOG.info(
            "pool {}: member {} could not be asked to prove that it holds the cluster's secret"
                + " ({}); asking again in {}",
            poolName,
            m.getAddress(),
            failure.toString(),
            suspicion);
      } else {
        refused.add(m.getUuid());
        LOG.warn(
            "pool {}: member {} did not prove that it holds the cluster's secret; no task goes to"
                + " it",
            poolName,
            m.getAddress());
      }
      sends = seats.dispatchLocked();
    } finally {
      lock.unlock();
    }
    seats.sendLater(sends);
  }
}
