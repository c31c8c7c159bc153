package dev.baton.gil;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * How a blocking call made holding the GIL is recognised.
 *
 * The JDK records blocking operations as JFR events (sleep, socket and file reads and writes,
 * contended monitor enters, parks) once they last longer than a threshold; a RecordingStream
 * delivers them here, about a second later, on the stream's own thread. An event of thread T is
 * reported when, at delivery, T holds this runtime's GIL, is not inside a blocking section, and has
 * not left one since the event began: then T held the GIL through the whole operation (a thread
 * that gave it up in a section and took it back would have left the section after the event
 * began). A thread that blocked holding the GIL and released it before the event was delivered is
 * missed: the detector errs on the side of silence, never naming a call that released the GIL.
 *
 * Sections are seen through the runtime's blocking handlers (each thread's GilBlockingHandler
 * tells the detector when it enters and leaves one), so the detector also sees the sections of the
 * Baton agent, which go through those handlers.
 *
 * Each call site (the first frame outside the JDK) is reported once, through SLF4J at WARN.
 */

/**
 * Reports blocking JDK operations made while holding a runtime's GIL outside a blocking section;
 * see the design note in the source. Built by {@link GilRuntime.Builder#blockingDetector(Duration)}
 * and closed with its runtime.
 *
 * <p>Threading: the section callbacks run on the runtime's threads; events are handled on the JFR
 * stream's thread; the maps are concurrent or synchronised.
 */
final class BlockingDetector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockingDetector.class);

  /** The JDK's blocking events the detector subscribes to. */
  static final List<String> EVENTS =
      List.of(
          "jdk.ThreadSleep",
          "jdk.SocketRead",
          "jdk.SocketWrite",
          "jdk.FileRead",
          "jdk.FileWrite",
          "jdk.JavaMonitorEnter",
          "jdk.ThreadPark");

  private final String runtime;
  private final Gil gil;
  private final Duration threshold;
  private final RecordingStream stream;

  /** Each thread's section state, weakly keyed so that ended threads are forgotten. */
  private final Map<Thread, Sections> threads = Collections.synchronizedMap(new WeakHashMap<>());

  /** Call sites already reported. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** What was reported, in order, for tests. */
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());

  /** One thread's blocking sections; written by that thread, read by the stream's thread. */
  static final class Sections {
    volatile int depth;
    volatile Instant lastExit = Instant.MIN;
  }

  private BlockingDetector(String runtime, Gil gil, Duration threshold) {
    this.runtime = runtime;
    this.gil = gil;
    this.threshold = threshold;
    this.stream = new RecordingStream();
    for (String event : EVENTS) {
      stream.enable(event).withThreshold(threshold).withStackTrace();
      stream.onEvent(event, this::onEvent);
    }
  }

  /**
   * @return a started detector, or null when JFR cannot stream in this JVM (logged)
   */
  static BlockingDetector start(String runtime, Gil gil, Duration threshold) {
    try {
      BlockingDetector detector = new BlockingDetector(runtime, gil, threshold);
      detector.stream.startAsync();
      return detector;
    } catch (RuntimeException | Error e) {
      LOG.warn(
          "runtime \"{}\": the blocking detector cannot start, JFR is unavailable: {}",
          runtime,
          e.toString());
      return null;
    }
  }

  /** The calling thread's section state, registered on first use. */
  Sections sectionsOfCurrentThread() {
    return threads.computeIfAbsent(Thread.currentThread(), t -> new Sections());
  }

  static void entered(Sections s) {
    s.depth = s.depth + 1;
  }

  static void exited(Sections s) {
    s.lastExit = Instant.now();
    s.depth = s.depth - 1;
  }

  /**
   * @return the messages reported so far, oldest first
   */
  List<String> reports() {
    synchronized (reports) {
      return List.copyOf(reports);
    }
  }

  private void onEvent(RecordedEvent event) {
    RecordedThread recorded = event.getThread();
    if (recorded == null) {
      return;
    }
    Thread holder = gil.holder();
    if (holder == null || holder.threadId() != recorded.getJavaThreadId()) {
      return;
    }
    Sections sections = threads.get(holder);
    if (sections != null
        && (sections.depth > 0 || !sections.lastExit.isBefore(event.getStartTime()))) {
      return;
    }
    String callSite = callSite(event.getStackTrace());
    if (!reported.add(event.getEventType().getName() + " " + callSite)) {
      return;
    }
    String message =
        String.format(
            "thread \"%s\" held the GIL of runtime \"%s\" for %d ms blocked in %s (over the"
                + " detector's %d ms) at %s; make the call through Blocking.call or GilThreads so"
                + " that it releases the GIL, or run it under -javaagent:baton-agent.jar with"
                + " its package included",
            holder.getName(),
            runtime,
            event.getDuration().toMillis(),
            event.getEventType().getName(),
            threshold.toMillis(),
            callSite);
    reports.add(message);
    LOG.warn(message);
  }

  private static String callSite(RecordedStackTrace trace) {
    if (trace == null) {
      return "an unknown call site";
    }
    for (RecordedFrame frame : trace.getFrames()) {
      if (!frame.isJavaFrame()) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
        continue;
      }
      return type + "." + frame.getMethod().getName() + "(line " + frame.getLineNumber() + ")";
    }
    return "a JDK call site";
  }

  @Override
  public void close() {
    stream.close();
  }
}
