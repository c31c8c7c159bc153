package dev.baton.agent.sample;

/** Plain Java loops of several shapes, whose instrumented bytecode the tests read. */
public class LoopShapes {
  /** Each iteration calls a static method of this class, whose entry polls. */
  public static long selfCalls(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += twice(i);
    }
    return s;
  }

  /** Each iteration calls a method a subclass (maybe not included) could override. */
  public long overridable(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += virtualTwice(i);
    }
    return s;
  }

  /** Each iteration calls the JDK, which is not instrumented. */
  public static long jdkCalls(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.floorMod(i, 7);
    }
    return s;
  }

  /** Only some iterations call a method whose entry polls. */
  public static long conditionalCalls(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      if ((i & 1) == 0) {
        s += twice(i);
      }
    }
    return s;
  }

  /** No call at all. */
  public static long noCalls(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += i;
    }
    return s;
  }

  static long twice(int i) {
    return 2L * i;
  }

  long virtualTwice(int i) {
    return 2L * i;
  }
}
