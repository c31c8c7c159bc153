package dev.baton.core;

/** The always-allowing guard of {@link Guard#none()}. Stateless. */
final class NoGuard implements Guard {
  static final NoGuard INSTANCE = new NoGuard();

  private NoGuard() {}

  @Override
  public boolean isHeldByCurrentThread() {
    return true;
  }

  @Override
  public String name() {
    return "none (free-threaded)";
  }

  @Override
  public void check() {}

  @Override
  public void checkOwner() {}

  @Override
  public String toString() {
    return "Guard.none()";
  }
}
