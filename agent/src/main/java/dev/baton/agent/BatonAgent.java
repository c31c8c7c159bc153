package dev.baton.agent;

import dev.baton.agent.internal.AgentOptions;
import dev.baton.agent.internal.ClassFilter;
import dev.baton.agent.internal.ClassInstrumenter;
import dev.baton.agent.internal.JdkWaits;
import dev.baton.agent.internal.SwitchPoints;
import dev.baton.agent.runtime.Hooks;
import dev.baton.core.trace.ChromeTraceExporter;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilStats;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java agent: {@code java -javaagent:baton-agent.jar=include=com.example. ...} runs every
 * thread that executes code of the included packages under one GIL of a runtime the agent builds,
 * with CPython's semantics. Only one such thread runs included code at a time; the GIL passes at
 * the checkpoints the agent inserts (method entry and backward branches, where CPython's eval loop
 * polls); the JDK's blocking calls made from included code release it. See {@link
 * dev.baton.agent.runtime.Hooks} for when a thread takes and leaves the GIL, and {@link
 * dev.baton.agent.internal.ClassInstrumenter} for what is rewritten.
 *
 * <p>Start-up only ({@code premain}): the agent instruments classes as they are loaded, and has no
 * {@code Agent-Class} for attaching to a running JVM. Retransforming the classes already loaded
 * would not be honest: frames already running them keep their old code (a loop in progress runs
 * without checkpoints until its method returns, and a thread already inside included code would
 * attach at a nested frame and give the GIL up while outer included frames still run), and a
 * synchronized method cannot be rewritten, since retransformation may not change a method's
 * modifiers and the agent replaces {@code ACC_SYNCHRONIZED} by explicit locking through its monitor
 * hooks. The option string is described by {@link AgentOptions#HELP}, which the agent prints,
 * before failing the JVM's start-up, when the options are wrong.
 */
public final class BatonAgent {
  private static final Logger LOG = LoggerFactory.getLogger(BatonAgent.class);

  /**
   * How long after the application's first class loaded an include that matched no class is
   * reported (or at exit, if that comes first).
   */
  static final Duration UNMATCHED_CHECK = Duration.ofSeconds(5);

  private BatonAgent() {}

  /**
   * The JVM's entry point for {@code -javaagent}.
   *
   * @param args the option string
   * @param instrumentation the JVM's instrumentation service
   * @throws IllegalArgumentException when the options are wrong (after printing the help)
   */
  public static void premain(String args, Instrumentation instrumentation) {
    AgentOptions options;
    try {
      options = AgentOptions.parse(args);
    } catch (IllegalArgumentException e) {
      // the JVM is starting and has no logger configured for us yet: the help goes to stderr
      System.err.println("baton-agent: " + e.getMessage());
      System.err.print(AgentOptions.HELP);
      throw e;
    }
    GilRuntime runtime = start(options);
    ClassFilter filter = new ClassFilter(options.include(), options.exclude());
    Hooks.install(runtime, filter::instrumented);
    for (String prefix : options.include()) {
      if (prefix.indexOf('/') >= 0) {
        LOG.warn(
            "baton-agent: include={} is written with '/', but the agent matches dotted class names:"
                + " write include={}",
            prefix,
            prefix.replace('/', '.'));
      }
    }
    Transformer transformer = new Transformer(filter, options.switchPoints());
    instrumentation.addTransformer(transformer);
    transformer.checkIncludesAfter(UNMATCHED_CHECK);
    List<String> waits = JdkWaits.install(instrumentation);
    LOG.debug("baton-agent: JDK waits release the GIL through {}", waits);
    LOG.info(
        "baton-agent: classes under {} (except {}) run under the GIL of runtime \"{}\" ({}, {}"
            + " switch interval{}{}{})",
        options.include(),
        options.exclude(),
        runtime.name(),
        runtime.gil().policy(),
        runtime.gil().switchInterval(),
        options.detect() == null ? "" : ", blocking detector at " + options.detect(),
        options.trace() == null ? "" : ", trace to " + options.trace(),
        options.switchPoints().items().isEmpty()
            ? ""
            : ", switch points only at " + options.switchPoints().items());
  }

  /**
   * @return the runtime the agent's threads run under, or null when the agent is not running
   */
  public static GilRuntime runtime() {
    return Hooks.runtime();
  }

  /**
   * Initialises the GIL's JFR event classes, so that the first contended wait does not pay for
   * JFR's own initialisation (hundreds of milliseconds on a busy machine) while the GIL's waiters
   * queue behind it.
   */
  static void initialiseEventClasses() {
    // by name: the gil module does not export its event package (JFR needs only the names)
    for (String type :
        new String[] {
          "dev.baton.gil.jfr.GilWaitEvent",
          "dev.baton.gil.jfr.GilHandoffEvent",
          "dev.baton.gil.jfr.DropRequestEvent"
        }) {
      try {
        Class.forName(type, true, GilRuntime.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("missing " + type, e);
      }
    }
  }

  private static GilRuntime start(AgentOptions options) {
    initialiseEventClasses();
    GilRuntime.Builder builder =
        GilRuntime.builder()
            .name(options.name())
            .policy(options.policy())
            .switchInterval(options.interval());
    if (options.detect() != null) {
      builder.blockingDetector(options.detect());
    }
    GilRuntime runtime = builder.build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  GilStats stats = runtime.stats();
                  LOG.info(
                      "baton-agent: runtime \"{}\" at exit: {} acquisitions, {} forced switches,"
                          + " {} waits (p50 {}, p99 {}) in {}",
                      stats.runtime(),
                      stats.acquisitions(),
                      stats.forcedSwitches(),
                      stats.waits(),
                      stats.waitP50(),
                      stats.waitP99(),
                      stats.elapsed());
                },
                "baton-agent-stats"));
    if (options.trace() != null) {
      TraceSession session = Tracer.enable();
      Path file = Path.of(options.trace());
      Thread writer =
          new Thread(
              () -> {
                try {
                  ChromeTraceExporter.write(session.snapshot(), file);
                } catch (IOException e) {
                  LOG.error("baton-agent: could not write the trace to {}", file, e);
                }
              },
              "baton-agent-trace");
      Runtime.getRuntime().addShutdownHook(writer);
    }
    return runtime;
  }

  /** Instruments the included classes as they are loaded. */
  static final class Transformer implements ClassFileTransformer {
    private final ClassFilter filter;

    /** The include prefixes no class has matched yet; emptied as classes match. */
    private final Set<String> unmatched = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean reported = new AtomicBoolean();

    /**
     * Opened by the application's first class (the main class, as a rule): the delay of the report
     * counts from there, so that a JVM slow to start does not report the main class's own package
     * as matching nothing.
     */
    private final CountDownLatch applicationStarted = new CountDownLatch(1);

    private final SwitchPoints switchPoints;

    Transformer(ClassFilter filter, SwitchPoints switchPoints) {
      this.filter = filter;
      this.switchPoints = switchPoints;
      unmatched.addAll(filter.include());
    }

    /**
     * Reports the prefixes that matched nothing, once: {@code delay} after the application's first
     * class loaded, or at exit.
     */
    void checkIncludesAfter(Duration delay) {
      startCheck(delay);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(this::reportUnmatched, "baton-agent-includes-at-exit"));
    }

    /** The delayed half of {@link #checkIncludesAfter}. */
    Thread startCheck(Duration delay) {
      return Thread.ofPlatform()
          .daemon()
          .name("baton-agent-includes")
          .start(
              () -> {
                try {
                  applicationStarted.await();
                  Thread.sleep(delay);
                } catch (InterruptedException e) {
                  return;
                }
                reportUnmatched();
              });
    }

    private void reportUnmatched() {
      if (!unmatched.isEmpty() && reported.compareAndSet(false, true)) {
        for (String prefix : unmatched) {
          LOG.warn(
              "baton-agent: include={} matched no class loaded so far: nothing of it runs under"
                  + " the GIL (a class-name prefix, dotted, like com.example.)",
              prefix);
        }
      }
    }

    @Override
    public byte[] transform(
        ClassLoader loader,
        String className,
        Class<?> classBeingRedefined,
        ProtectionDomain protectionDomain,
        byte[] classfileBuffer) {
      if (loader == null || className == null || classBeingRedefined != null) {
        return null;
      }
      String dottedName = className.replace('/', '.');
      String prefix = filter.includedBy(dottedName);
      if (prefix != null && !unmatched.isEmpty()) {
        unmatched.remove(prefix);
      }
      if (applicationStarted.getCount() != 0 && ClassFilter.ofApplication(dottedName)) {
        applicationStarted.countDown(); // after the match above: the report cannot miss it
      }
      if (prefix == null) {
        return null;
      }
      try {
        return ClassInstrumenter.instrument(classfileBuffer, loader, switchPoints);
      } catch (RuntimeException | LinkageError e) {
        // the class loads uninstrumented: its threads run without the GIL's checkpoints
        LOG.warn("baton-agent: could not instrument {}; it runs without checkpoints", className, e);
        return null;
      }
    }
  }
}
