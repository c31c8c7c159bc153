package dev.baton.core;

import java.util.Objects;

/**
 * A guard owned by one thread for its whole life, from {@link Guard#ownedBy(Thread, String)}.
 *
 * @param owner the only thread allowed; final, so safely read by any thread
 * @param name the guard's name for messages
 */
record OwnerThreadGuard(Thread owner, String name) implements Guard {
  OwnerThreadGuard {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public boolean isHeldByCurrentThread() {
    return Thread.currentThread() == owner;
  }
}
