package dev.baton.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.version.MemberVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The roster on its own, without Hazelcast: who is seated, when a member is challenged, how a
 * proof, a wrong proof, a failed challenge and a suspicion end, and that the challenge (a remote
 * call) is made outside the scheduler's lock while seating and dispatching happen under it.
 */
class MemberRosterTest {
  private static final Duration SUSPICION = Duration.ofHours(1);
  private static final ClusterKeys KEYS =
      new ClusterKeys("a secret of sixteen bytes or more".getBytes(StandardCharsets.UTF_8), "c");
  private static final ClusterKeys OTHER_KEYS =
      new ClusterKeys("another secret, just as long".getBytes(StandardCharsets.UTF_8), "c");

  private final ReentrantLock lock = new ReentrantLock();
  private final FakeSeats seats = new FakeSeats();

  @Test
  void withoutASecretABatonMemberIsSeatedWithItsSlotCountOnce() {
    MemberRoster roster = roster(null);
    Peer baton = Peer.baton("4");
    List<Runnable> sends = admit(roster, baton);
    admit(roster, baton);
    assertThat(sends).isEmpty();
    assertThat(seats.seated).containsExactly(Map.entry(baton.uuid, 4));
    assertThat(seats.seatings).isEqualTo(1);
  }

  @Test
  void liteMembersAndMembersWithoutABatonExecutorAreNotSeated() {
    MemberRoster roster = roster(null);
    Peer lite = new Peer(true, Map.of(Settings.SLOTS, "4"));
    Peer stranger = new Peer(false, Map.of());
    Peer noCount = Peer.baton("many");
    admit(roster, lite);
    admit(roster, stranger);
    admit(roster, noCount);
    assertThat(seats.seated).isEmpty();
  }

  @Test
  void withASecretAMemberIsSeatedOnlyOnceItProvesIt() {
    MemberRoster roster = roster(KEYS);
    Peer baton = Peer.baton("2");
    List<Runnable> sends = admit(roster, baton);
    assertThat(admit(roster, baton))
        .as("a member being challenged is not challenged again")
        .isEmpty();
    assertThat(sends).hasSize(1);
    assertThat(seats.challenges).isEmpty();
    sends.forEach(Runnable::run);
    assertThat(seats.challenges).containsOnlyKeys(baton.uuid);
    assertThat(seats.seated).isEmpty();

    answer(baton, KEYS.prove(seats.nonces.get(baton.uuid), baton.uuid));

    assertThat(seats.seated).containsExactly(Map.entry(baton.uuid, 2));
    assertThat(seats.dispatches).isEqualTo(1);
    assertThat(seats.laterSends).isEqualTo(1);
  }

  @Test
  void aWrongProofRefusesTheMemberUntilItLeaves() {
    MemberRoster roster = roster(KEYS);
    Peer liar = Peer.baton("2");
    Peer relay = Peer.baton("2");
    admit(roster, liar).forEach(Runnable::run);
    admit(roster, relay).forEach(Runnable::run);

    answer(liar, OTHER_KEYS.prove(seats.nonces.get(liar.uuid), liar.uuid));
    // a proof another member gave for the same challenge is that member's, not the relay's
    answer(relay, KEYS.prove(seats.nonces.get(relay.uuid), liar.uuid));

    assertThat(seats.seated).isEmpty();
    assertThat(admit(roster, liar)).isEmpty();
    assertThat(admit(roster, relay)).isEmpty();
    locked(() -> roster.forgetLocked(liar.uuid));
    assertThat(admit(roster, liar)).as("a refused member that left and came back").hasSize(1);
  }

  @Test
  void aMemberThatCouldNotBeAskedIsAskedAgainAfterTheSuspicionTime() {
    MemberRoster roster = roster(KEYS);
    Peer baton = Peer.baton("2");
    seats.present.add(baton);
    admit(roster, baton).forEach(Runnable::run);
    seats
        .challenges
        .get(baton.uuid)
        .completeExceptionally(new IllegalStateException("unreachable"));
    assertThat(seats.seated).isEmpty();
    assertThat(admit(roster, baton)).as("a suspect").isEmpty();

    long now = System.nanoTime();
    assertThat(readmit(roster, now)).isEmpty();
    List<Runnable> again = readmit(roster, now + SUSPICION.toNanos());
    assertThat(again).hasSize(1);
    again.forEach(Runnable::run);
    answer(baton, KEYS.prove(seats.nonces.get(baton.uuid), baton.uuid));
    assertThat(seats.seated).containsOnlyKeys(baton.uuid);
  }

  @Test
  void aChallengeThatCannotBeSentMakesASuspect() {
    MemberRoster roster = roster(KEYS);
    Peer baton = Peer.baton("2");
    seats.refuseChallenges = true;
    admit(roster, baton).forEach(Runnable::run);
    assertThat(seats.seated).isEmpty();
    assertThat(seats.dispatches).isEqualTo(1);
    assertThat(lockedGet(roster::hasSuspectsLocked)).isTrue();
  }

  @Test
  void aSuspectComesBackAfterItsTimeOnlyIfItIsStillAMember() {
    MemberRoster roster = roster(null);
    Peer stays = Peer.baton("1");
    Peer gone = Peer.baton("1");
    seats.present.add(stays);
    admit(roster, stays);
    admit(roster, gone);
    for (Peer p : List.of(stays, gone)) { // what the scheduler does with a member it lost
      seats.seated.remove(p.uuid);
      locked(() -> roster.suspectLocked(p.uuid));
    }
    admit(roster, stays);
    assertThat(seats.seated).as("suspects are not admitted").isEmpty();

    readmit(roster, System.nanoTime() + SUSPICION.toNanos());

    assertThat(seats.seated).containsOnlyKeys(stays.uuid);
    assertThat(lockedGet(roster::hasSuspectsLocked)).isFalse();
  }

  @Test
  void aMemberThatLeftWhileProvingIsNotSeated() {
    MemberRoster roster = roster(KEYS);
    Peer baton = Peer.baton("2");
    admit(roster, baton).forEach(Runnable::run);
    locked(() -> roster.forgetLocked(baton.uuid));
    answer(baton, KEYS.prove(seats.nonces.get(baton.uuid), baton.uuid));
    assertThat(seats.seated).isEmpty();
    assertThat(seats.dispatches).isZero();
  }

  private MemberRoster roster(ClusterKeys keys) {
    return new MemberRoster("test", keys, SUSPICION, lock, seats);
  }

  /** Admits under the lock, as the scheduler does; returns the sends it would run after. */
  private List<Runnable> admit(MemberRoster roster, Member m) {
    List<Runnable> sends = new ArrayList<>();
    locked(() -> roster.admitLocked(m, sends));
    return sends;
  }

  private List<Runnable> readmit(MemberRoster roster, long now) {
    List<Runnable> sends = new ArrayList<>();
    locked(() -> roster.readmitDueLocked(now, sends));
    return sends;
  }

  private void answer(Peer m, byte[] proof) {
    assertThat(lock.isHeldByCurrentThread()).isFalse();
    seats.challenges.get(m.uuid).complete(proof);
  }

  private void locked(Runnable r) {
    lock.lock();
    try {
      r.run();
    } finally {
      lock.unlock();
    }
  }

  private <T> T lockedGet(Supplier<T> s) {
    lock.lock();
    try {
      return s.get();
    } finally {
      lock.unlock();
    }
  }

  /** The scheduler's side, recording; checks which calls are made under the lock. */
  private final class FakeSeats implements MemberRoster.Seats {
    final Map<UUID, Integer> seated = new LinkedHashMap<>();
    final Map<UUID, CompletableFuture<byte[]>> challenges = new HashMap<>();
    final Map<UUID, byte[]> nonces = new HashMap<>();
    final List<Member> present = new ArrayList<>();
    int seatings;
    int dispatches;
    int laterSends;
    boolean refuseChallenges;

    @Override
    public boolean seatedLocked(UUID member) {
      assertThat(lock.isHeldByCurrentThread()).isTrue();
      return seated.containsKey(member);
    }

    @Override
    public void seatLocked(Member member, int slots) {
      assertThat(lock.isHeldByCurrentThread()).isTrue();
      seatings++;
      seated.put(member.getUuid(), slots);
    }

    @Override
    public List<Runnable> dispatchLocked() {
      assertThat(lock.isHeldByCurrentThread()).isTrue();
      dispatches++;
      return List.of();
    }

    @Override
    public void sendLater(List<Runnable> sends) {
      assertThat(lock.isHeldByCurrentThread()).isFalse();
      laterSends++;
    }

    @Override
    public CompletionStage<byte[]> challenge(Member member, byte[] nonce) {
      assertThat(lock.isHeldByCurrentThread()).as("a remote call under the lock").isFalse();
      if (refuseChallenges) {
        throw new IllegalStateException("no connection");
      }
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      challenges.put(member.getUuid(), answer);
      nonces.put(member.getUuid(), nonce.clone());
      return answer;
    }

    @Override
    public Collection<Member> presentLocked() {
      assertThat(lock.isHeldByCurrentThread()).isTrue();
      return present;
    }
  }

  /** A member as Hazelcast describes it, with no Hazelcast behind it. */
  private static final class Peer implements Member {
    private static int ports = 5701;

    final UUID uuid = UUID.randomUUID();
    final boolean lite;
    final Map<String, String> attributes;
    final Address address = new Address(InetAddress.getLoopbackAddress(), ports++);

    Peer(boolean lite, Map<String, String> attributes) {
      this.lite = lite;
      this.attributes = attributes;
    }

    static Peer baton(String slots) {
      return new Peer(false, Map.of(Settings.SLOTS, slots, Settings.PID, "1"));
    }

    @Override
    public boolean localMember() {
      return false;
    }

    @Override
    public boolean isLiteMember() {
      return lite;
    }

    @Override
    public Address getAddress() {
      return address;
    }

    @Override
    public Map<EndpointQualifier, Address> getAddressMap() {
      return Map.of();
    }

    @Override
    public InetSocketAddress getSocketAddress() {
      return new InetSocketAddress(address.getHost(), address.getPort());
    }

    @Override
    public InetSocketAddress getSocketAddress(EndpointQualifier qualifier) {
      return getSocketAddress();
    }

    @Override
    public UUID getUuid() {
      return uuid;
    }

    @Override
    public Map<String, String> getAttributes() {
      return attributes;
    }

    @Override
    public String getAttribute(String key) {
      return attributes.get(key);
    }

    @Override
    public MemberVersion getVersion() {
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
      throw new UnsupportedOperationException("a test's member is not sent anywhere");
    }

    @Override
    public void readData(ObjectDataInput in) {
      throw new UnsupportedOperationException("a test's member is not sent anywhere");
    }
  }
}
