package dev.baton.cluster.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys a cluster's secret gives, each an HMAC-SHA256 key derived from the secret and the
 * cluster's name, one per use so that a proof can never pass for a task's tag or an answer's:
 *
 * <ul>
 *   <li>{@code proof}: a member proves it holds the secret by answering a caller's random challenge
 *       with {@code HMAC(proof, "prove" | challenge | its own UUID)}; the UUID binds the proof to
 *       the member that gives it, so a stranger that relays a challenge to a real member gets a
 *       proof for that member, not for itself;
 *   <li>{@code task}: every task carries {@code HMAC(task, its fields)}; a member checks it before
 *       it decodes anything;
 *   <li>{@code answer}: every answer carries {@code HMAC(answer, member UUID | task tag | reply)},
 *       bound to the task it answers and to the member that ran it.
 * </ul>
 *
 * <p>The secret itself is kept by no field: only the derived keys are, inside {@link Mac}
 * instances, and nothing here has a {@code toString} that shows them. Threading: immutable; a
 * {@link Mac} is not thread-safe, so each thread gets clones of its own.
 */
public final class ClusterKeys {
  /** Bytes of a tag. */
  public static final int TAG = 32;

  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec proof;
  private final SecretKeySpec task;
  private final SecretKeySpec answer;
  private final ThreadLocal<Mac[]> macs = ThreadLocal.withInitial(this::fresh);

  /**
   * @param secret the cluster's secret, at least 16 bytes
   * @param clusterName the cluster's name, bound into every key
   */
  public ClusterKeys(byte[] secret, String clusterName) {
    if (secret.length < 16) {
      throw new IllegalArgumentException(
          "a cluster secret must have at least 16 bytes, this one has "
              + secret.length
              + "; make one with: head -c 32 /dev/urandom | base64 > secret");
    }
    SecretKeySpec root = new SecretKeySpec(secret, HMAC);
    this.proof = derive(root, "baton-cluster proof " + clusterName);
    this.task = derive(root, "baton-cluster task " + clusterName);
    this.answer = derive(root, "baton-cluster answer " + clusterName);
  }

  /**
   * Keys for tests of a member that holds the real proof and task keys but answers with others.
   *
   * @param real the real keys
   * @param answers the keys whose answer key replaces the real one
   * @return the mixed keys
   */
  public static ClusterKeys answeringWith(ClusterKeys real, ClusterKeys answers) {
    return new ClusterKeys(real.proof, real.task, answers.answer);
  }

  private ClusterKeys(SecretKeySpec proof, SecretKeySpec task, SecretKeySpec answer) {
    this.proof = proof;
    this.task = task;
    this.answer = answer;
  }

  private static SecretKeySpec derive(SecretKeySpec root, String purpose) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(root);
      return new SecretKeySpec(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)), HMAC);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + HMAC, e);
    }
  }

  private Mac[] fresh() {
    try {
      Mac[] m = new Mac[3];
      m[0] = Mac.getInstance(HMAC);
      m[0].init(proof);
      m[1] = Mac.getInstance(HMAC);
      m[1].init(task);
      m[2] = Mac.getInstance(HMAC);
      m[2].init(answer);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + HMAC, e);
    }
  }

  /**
   * @param challenge the caller's random challenge
   * @param member the UUID of the member that proves
   * @return the proof
   */
  public byte[] prove(byte[] challenge, UUID member) {
    Mac mac = macs.get()[0];
    mac.update("prove".getBytes(StandardCharsets.US_ASCII));
    mac.update(challenge);
    mac.update(uuid(member));
    return mac.doFinal();
  }

  /**
   * @param challenge the challenge sent
   * @param member the member challenged
   * @param proof what it answered
   * @return whether it proves that the member holds the secret
   */
  public boolean checkProof(byte[] challenge, UUID member, byte[] proof) {
    return proof != null && MessageDigest.isEqual(prove(challenge, member), proof);
  }

  /**
   * @param fields a task's fields, in the order they travel
   * @return the task's tag
   */
  public byte[] signTask(byte[]... fields) {
    Mac mac = macs.get()[1];
    for (byte[] f : fields) {
      mac.update(length(f == null ? -1 : f.length));
      if (f != null) {
        mac.update(f);
      }
    }
    return mac.doFinal();
  }

  /**
   * @param member the member that answers
   * @param taskTag the tag of the task it answers
   * @param reply the reply
   * @return the answer's tag
   */
  public byte[] signAnswer(UUID member, byte[] taskTag, byte[] reply) {
    Mac mac = macs.get()[2];
    mac.update(uuid(member));
    mac.update(taskTag);
    mac.update(reply);
    return mac.doFinal();
  }

  /**
   * @param expected the tag computed here
   * @param given the tag received
   * @return whether they are equal, in time that does not depend on where they differ
   */
  public static boolean same(byte[] expected, byte[] given) {
    return given != null && MessageDigest.isEqual(expected, given);
  }

  private static byte[] uuid(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private static byte[] length(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  @Override
  public String toString() {
    return "ClusterKeys[hidden]";
  }
}
