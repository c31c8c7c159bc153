package dev.baton.cluster.forbidden;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an attacker sends a member's executor through a raw Hazelcast client: a {@code Serializable}
 * {@code Callable} on no allow-list whose {@code readObject} and {@code call} leave a mark. The
 * members of the tests live in the test's JVM, so the marks are visible there.
 */
public final class CallableGadget implements Callable<String>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Set when an instance is deserialized. */
  public static final AtomicBoolean READ = new AtomicBoolean();

  /** Set when an instance runs. */
  public static final AtomicBoolean CALLED = new AtomicBoolean();

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    READ.set(true);
  }

  @Override
  public String call() {
    CALLED.set(true);
    return "pwned";
  }
}
