package dev.baton.agent.sample;

/**
 * A toy interpreter, plain Java: {@link #run} is its dispatch loop, and each iteration executes one
 * guest instruction, {@code counter += 1}, through helper methods, as Jython's and LuaJ's runtimes
 * do. CPython's GIL never passes inside one instruction; the agent's passes only at switch points.
 */
public final class Interp {
  public static int counter;

  private Interp() {}

  /** The dispatch loop: {@code times} guest instructions. */
  public static void run(int times) {
    for (int i = 0; i < times; i++) {
      store(add(load(), 1));
    }
  }

  static int load() {
    return counter;
  }

  static int add(int a, int b) {
    return a + b;
  }

  static void store(int v) {
    counter = v;
  }
}
