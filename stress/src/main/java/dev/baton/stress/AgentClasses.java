package dev.baton.stress;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import dev.baton.stress.agentload.PlainIncrements;
import java.lang.reflect.Constructor;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * The agent proofs' instrumented actor class: {@link PlainIncrements} as the Baton agent rewrites
 * it (checkpoints at method entry and backward branches), loaded in this JVM through the agent's
 * instrumenter, with the agent's hooks installed on a runtime of the shortest switch interval, so
 * that drop requests are made all the time. The agent module is JDK 24+ bytecode, which this module
 * (release 21) cannot compile against, hence reflection.
 */
final class AgentClasses {
  /** The runtime the instrumented code's threads attach to. */
  static final GilRuntime RUNTIME =
      GilRuntime.builder()
          .name("stress-agent")
          .policy(GilPolicy.FAIR)
          .switchInterval(Gil.MIN_SWITCH_INTERVAL)
          .watchdogOff()
          .build();

  private static final Constructor<?> INCREMENTS;

  static {
    try {
      Class<?> hooks = Class.forName("dev.baton.agent.runtime.Hooks");
      ClassLoader rewriting = rewriting(PlainIncrements.class.getName());
      Predicate<Class<?>> instrumented = c -> c.getClassLoader() == rewriting;
      hooks
          .getMethod("install", GilRuntime.class, Predicate.class)
          .invoke(null, RUNTIME, instrumented);
      INCREMENTS =
          rewriting.loadClass(PlainIncrements.class.getName()).getConstructor(boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private AgentClasses() {}

  /**
   * A new instrumented {@link PlainIncrements}, seen through its interfaces (its class is not the
   * one this class was compiled against).
   *
   * @param increment its {@code run()}: one increment
   * @param value its {@code getAsInt()}: the counter
   */
  record Increments(Runnable increment, IntSupplier value) {}

  /**
   * @param withCall whether a call falls between the read and the write
   * @return a new instrumented {@link PlainIncrements}
   */
  static Increments increments(boolean withCall) {
    try {
      Object o = INCREMENTS.newInstance(withCall);
      return new Increments((Runnable) o, (IntSupplier) o);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A loader that defines {@code name} as the agent's transformer rewrites it (the agent module's
   * {@code InstrumentingClassLoader}, reached by reflection as this module builds for release 21).
   */
  static ClassLoader rewriting(String name) throws ReflectiveOperationException {
    return (ClassLoader)
        Class.forName("dev.baton.agent.internal.InstrumentingClassLoader")
            .getConstructor(ClassLoader.class, Set.class)
            .newInstance(AgentClasses.class.getClassLoader(), Set.of(name));
  }
}
