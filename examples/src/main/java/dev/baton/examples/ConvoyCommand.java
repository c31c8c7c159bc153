package dev.baton.examples;

import dev.baton.core.Blocking;
import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilStats;
import dev.baton.gil.GilThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Beazley's convoy effect (bpo-7946): an echo server in a GIL runtime answers a client over
 * 127.0.0.1, alone and then beside a CPU-bound thread of the same runtime.
 */
@Command(
    name = "convoy",
    mixinStandardHelpOptions = true,
    description = {
      "The convoy effect (David Beazley, bpo-7946): an echo server thread of a GIL runtime",
      "answers a client over 127.0.0.1, first alone, then while a CPU-bound thread of the same",
      "runtime spins. Under CPython's policy each answer waits for the spinner to be asked to",
      "drop the GIL (one switch interval); under the fair policy a thread back from I/O gets",
      "the GIL at the spinner's next checkpoint."
    })
final class ConvoyCommand extends ExampleCommand {

  @Option(
      names = "--policy",
      defaultValue = "both",
      description = "cpython, fair, or both (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--interval-ms",
      defaultValue = "5",
      description = "The switch interval in milliseconds (default: ${DEFAULT-VALUE}, CPython's).")
  double intervalMs;

  @Option(names = "--quick", description = "Short phases (for the tour).")
  boolean quick;

  static GilPolicy policy(CommandSpec spec, String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cpython" -> GilPolicy.CPYTHON;
      case "fair" -> GilPolicy.FAIR;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--policy must be cpython or fair, was '" + name + "'");
    };
  }

  @Override
  String summary(Map<String, Object> figures) {
    StringBuilder line = new StringBuilder();
    for (String p : List.of("cpython", "fair")) {
      Object f = figures.get(p);
      @SuppressWarnings("unchecked")
      Map<String, Object> one =
          f instanceof Map<?, ?>
              ? (Map<String, Object>) f
              : p.equals(figures.get("policy")) ? figures : null;
      if (one != null) {
        line.append(line.isEmpty() ? "" : "; ")
            .append(
                String.format(
                    Locale.ROOT,
                    "%s: p50 %s us -> %s us (x%s)",
                    p,
                    one.get("alone_p50_us"),
                    one.get("busy_p50_us"),
                    one.get("slowdown_p50")));
      }
    }
    return line.toString();
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    Duration interval = Duration.ofNanos(Math.round(intervalMs * 1_000_000));
    try {
      GilRuntime.builder().switchInterval(interval);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--interval-ms: " + e.getMessage());
    }
    Duration phase = quick ? Duration.ofMillis(400) : Duration.ofSeconds(2);
    out.printf(
        "Echo round trips over 127.0.0.1, %.1f s per phase, switch interval %s ms%n",
        phase.toMillis() / 1000.0, intervalMs);
    if (policy.equalsIgnoreCase("both")) {
      Map<String, Object> cpython = experiment(out, GilPolicy.CPYTHON, interval, phase);
      Map<String, Object> fair = experiment(out, GilPolicy.FAIR, interval, phase);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("policy", "both");
      figures.put("cpython", cpython);
      figures.put("fair", fair);
      return figures;
    }
    return experiment(out, policy(spec, policy), interval, phase);
  }

  private Map<String, Object> experiment(
      Output out, GilPolicy gilPolicy, Duration interval, Duration phase) throws Exception {
    String name = gilPolicy.name().toLowerCase(Locale.ROOT);
    out.println("");
    out.printf("Policy %s%n", name);
    int rounds = quick ? 2 : 5;
    Duration window = phase.dividedBy(rounds);
    GilStats stats;
    Phase alone = Phase.EMPTY;
    Phase busy = Phase.EMPTY;
    double[] shares = new double[rounds];
    double[] gilShares = new double[rounds];
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        GilRuntime runtime =
            GilRuntime.builder()
                .name("convoy-" + name)
                .policy(gilPolicy)
                .switchInterval(interval)
                .holdTiming(true)
                // the spinner checkpoints every step: only a machine too busy to run it trips this
                .watchdogThreshold(CpuCommand.WATCHDOG)
                .build()) {
      AtomicReference<Throwable> serverFailure = new AtomicReference<>();
      runtime.startDaemonThread("echo-server", () -> serve(listener, serverFailure));
      AtomicLong spun = new AtomicLong();
      AtomicBoolean paused = new AtomicBoolean(true);
      AtomicBoolean stop = new AtomicBoolean();
      Gil gil = runtime.gil();
      Thread spinner = runtime.startThread("spinner", () -> spin(gil, spun, paused, stop));
      try (Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
        client.setTcpNoDelay(true);
        InputStream in = client.getInputStream();
        OutputStream outStream = client.getOutputStream();
        roundTrips(in, outStream, Duration.ofMillis(quick ? 100 : 300)); // warm-up
        // Interleaved windows, so that a change in the machine's load hits every phase alike.
        for (int r = 0; r < rounds; r++) {
          paused.set(true);
          alone = alone.plus(roundTrips(in, outStream, window));
          paused.set(false);
          Thread.sleep(20); // let the spinner wake up and take the GIL
          long s0 = spun.get();
          long h0 = held(runtime, "spinner");
          long t0 = System.nanoTime();
          Thread.sleep(window);
          long t1 = System.nanoTime();
          long s1 = spun.get();
          long h1 = held(runtime, "spinner");
          busy = busy.plus(roundTrips(in, outStream, window));
          long t2 = System.nanoTime();
          double soloRate = (s1 - s0) / (double) (t1 - t0);
          double busyRate = (spun.get() - s1) / (double) (t2 - t1);
          shares[r] = soloRate == 0 ? 0 : busyRate / soloRate;
          double soloHeld = (h1 - h0) / (double) (t1 - t0);
          double busyHeld = (held(runtime, "spinner") - h1) / (double) (t2 - t1);
          gilShares[r] = soloHeld == 0 ? 0 : busyHeld / soloHeld;
        }
      } finally {
        stop.set(true);
        paused.set(false);
        spinner.join();
      }
      if (serverFailure.get() != null) {
        throw new IllegalStateException("the echo server failed", serverFailure.get());
      }
      stats = runtime.stats();
    }
    double share = Timing.median(shares);
    double gilShare = Timing.median(gilShares);
    Table table = new Table("phase", "round trips/s", "p50 us", "p99 us");
    table.row("alone", Math.round(alone.perSecond()), alone.p50Us(), alone.p99Us());
    table.row("beside a spinner", Math.round(busy.perSecond()), busy.p50Us(), busy.p99Us());
    out.printf("%s", table.render());
    out.printf(
        "p50 x%.1f slower beside the spinner; the spinner kept %.0f%% of its solo speed and %.0f%%"
            + " of its solo time holding the GIL (medians of %d rounds); %d drop requests, %d"
            + " hand-offs%n",
        busy.p50Us() / alone.p50Us(),
        share * 100,
        gilShare * 100,
        rounds,
        stats.dropRequests(),
        stats.handOffs());

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("policy", name);
    figures.put("interval_ms", intervalMs);
    figures.put("rounds", rounds);
    figures.put("alone_p50_us", round1(alone.p50Us()));
    figures.put("busy_p50_us", round1(busy.p50Us()));
    figures.put("alone_p99_us", round1(alone.p99Us()));
    figures.put("busy_p99_us", round1(busy.p99Us()));
    figures.put("alone_rps", Math.round(alone.perSecond()));
    figures.put("busy_rps", Math.round(busy.perSecond()));
    figures.put("slowdown_p50", round1(busy.p50Us() / alone.p50Us()));
    figures.put("spinner_share", GilCommand.round3(share));
    figures.put("spinner_gil_share", GilCommand.round3(gilShare));
    figures.put("drop_requests", stats.dropRequests());
    figures.put("hand_offs", stats.handOffs());
    return figures;
  }

  /**
   * The CPU-bound thread: counts down with a checkpoint per step; sleeps (GIL released) when
   * paused.
   */
  private static void spin(Gil gil, AtomicLong spun, AtomicBoolean paused, AtomicBoolean stop) {
    long done = 0;
    long acc = 0;
    while (!stop.get()) {
      if (paused.get()) {
        try {
          GilThreads.sleep(Duration.ofMillis(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      acc += GilCommand.countDown(1024, gil);
      done += 1024;
      spun.setOpaque(done);
    }
    if (acc == 42) {
      spun.incrementAndGet();
    }
  }

  /** A thread's total time holding the runtime's GIL so far, in nanoseconds. */
  private static long held(GilRuntime runtime, String thread) {
    for (GilStats.ThreadTotals t : runtime.stats().threads()) {
      if (t.thread().equals(thread)) {
        return t.held().toNanos();
      }
    }
    return 0;
  }

  /** The server: one connection, echo each read back. Runs on a runtime thread, holding the GIL. */
  private static void serve(ServerSocket listener, AtomicReference<Throwable> failure) {
    try (Socket socket = Blocking.call(listener::accept)) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buffer = new byte[256];
      while (true) {
        int n = Blocking.call(() -> in.read(buffer)); // releases the GIL while it waits
        if (n < 0) {
          return;
        }
        Blocking.run(() -> out.write(buffer, 0, n));
      }
    } catch (IOException e) {
      if (!(e instanceof java.net.SocketException)) {
        failure.set(e);
      }
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  private record Phase(long[] nanos, double seconds) {
    static final Phase EMPTY = new Phase(new long[0], 0);

    Phase plus(Phase other) {
      long[] all = Arrays.copyOf(nanos, nanos.length + other.nanos.length);
      System.arraycopy(other.nanos, 0, all, nanos.length, other.nanos.length);
      return new Phase(all, seconds + other.seconds);
    }

    double perSecond() {
      return nanos.length / seconds;
    }

    double p50Us() {
      return percentile(0.50);
    }

    double p99Us() {
      return percentile(0.99);
    }

    private double percentile(double q) {
      if (nanos.length == 0) {
        return Double.NaN;
      }
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1000.0;
    }
  }

  /** The client: round trips of one 64-byte message for {@code duration}. */
  private static Phase roundTrips(InputStream in, OutputStream out, Duration duration)
      throws IOException {
    byte[] message = new byte[64];
    Arrays.fill(message, (byte) 'x');
    byte[] reply = new byte[64];
    long[] samples = new long[1 << 16];
    int count = 0;
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long now = start;
    while (now < end) {
      long t = System.nanoTime();
      out.write(message);
      int got = 0;
      while (got < reply.length) {
        int n = in.read(reply, got, reply.length - got);
        if (n < 0) {
          throw new IOException("the echo server closed the connection");
        }
        got += n;
      }
      now = System.nanoTime();
      if (count == samples.length) {
        samples = Arrays.copyOf(samples, samples.length * 2);
      }
      samples[count++] = now - t;
    }
    return new Phase(Arrays.copyOf(samples, count), (now - start) / 1e9);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
