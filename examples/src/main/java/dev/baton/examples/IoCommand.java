package dev.baton.examples;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.GilRuntime;
import dev.baton.process.ProcessPool;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * "Let's imagine we need to send multiple web requests": Real Python's I/O-bound workload (160
 * downloads of two pages) in each concurrency model, against a local server with a fixed latency.
 */
@Command(
    name = "io",
    mixinStandardHelpOptions = true,
    description = {
      "I/O-bound work: download pages sequentially and concurrently, as in Real Python's",
      "\"Speed Up Your Python Program With Concurrency\" (160 downloads of two pages).",
      "Waiting is what takes the time, so any model that overlaps the waits speeds it up.",
      "The pages come from a server this command starts on 127.0.0.1 (see --latency-ms and",
      "--page-size) unless --url names real ones."
    })
final class IoCommand extends ModeComparison {
  /** Every mode the JSON figures have a key for, whether this build runs it or not. */
  static final List<String> ALL_MODES = List.of("sequential", "threads", "loop", "processes");

  /** The modes this build runs, in the order {@code --mode all} runs them. */
  static final List<String> MODES = List.of("sequential", "threads", "loop", "processes");

  /** The diagrams' titles, by mode. */
  static final Map<String, String> TITLES =
      Map.of(
          "sequential",
              "I/O-bound, sequential: a little work (blue), then a wait for the page (red)",
          "threads",
              "I/O-bound, threads under the GIL: the waits overlap, the GIL is free during them",
          "loop", "I/O-bound on the event loop: one thread, every request in flight at once",
          "processes", "I/O-bound, a process pool: each worker waits for its own pages");

  /** Label of the diagrams' working spans. */
  private static final String DOWNLOAD = "download";

  /** The article's figures (2019, over the internet), in seconds, by mode. */
  static final Map<String, Double> ARTICLE_SECONDS =
      Map.of("sequential", 14.29, "threads", 3.72, "loop", 2.57, "processes", 5.72);

  /** Downloads made before timing, not counted. */
  static final int WARM_UP = 2;

  @Option(
      names = "--mode",
      defaultValue = "all",
      description =
          "sequential: one page after the other; threads: a pool of --threads GIL threads whose"
              + " downloads release the GIL while they wait; loop: one task per page on one event"
              + " loop, all in flight at once (see --limit); processes: a pool of --processes worker"
              + " JVMs, each with its own HTTP client; all: each in turn (default:"
              + " ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--downloads",
      defaultValue = "160",
      description = "How many pages to download (default: ${DEFAULT-VALUE}, as in the article).")
  int downloads;

  @Option(
      names = "--latency-ms",
      defaultValue = "10",
      description = "The local server's delay before each page (default: ${DEFAULT-VALUE} ms).")
  int latencyMs;

  @Option(
      names = "--page-size",
      defaultValue = "16384",
      description = "The local server's page size in bytes (default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "Download these pages (cycled) instead of the local server's; repeatable.")
  List<URI> urls = new ArrayList<>();

  @Option(
      names = "--limit",
      defaultValue = "0",
      description =
          "loop mode: the most downloads in flight at once, through a semaphore (default: 0, no"
              + " limit).")
  int limit;

  @Option(
      names = "--quick",
      description = "Smaller run for CI and the quick tour: 40 downloads, 5 ms latency.")
  boolean quick;

  @Override
  List<String> allModes() {
    return ALL_MODES;
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (downloads < 1) {
      throw new IllegalArgumentException("--downloads must be at least 1, got " + downloads);
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException("--latency-ms must not be negative, got " + latencyMs);
    }
    List<String> modes = modes(mode, MODES);
    int count = quick ? Math.min(downloads, 40) : downloads;
    int latency = quick ? Math.min(latencyMs, 5) : latencyMs;
    try (PageServer server =
        urls.isEmpty() ? PageServer.start(Duration.ofMillis(latency), pageSize) : null) {
      List<URI> sites = server != null ? server.sites(count) : cycle(urls, count);
      out.printf(
          "Downloading %d pages from %s%n",
          count,
          server != null
              ? "a local server (latency " + latency + " ms, " + pageSize + " bytes a page)"
              : String.join(", ", urls.stream().map(URI::toString).toList()));
      // Open the first connection and compile the client before timing: the first mode would
      // otherwise pay for it alone.
      sequential(
          sites.subList(0, Math.min(sites.size(), WARM_UP)), Progress.start("", 0, false, null));
      Timing.Measured measured = Timing.measure(modes, repeat, m -> download(m, sites));
      Map<String, Double> seconds = measured.seconds();
      Map<String, Long> bytes = measured.results();
      printComparison(out, modes, seconds, "bytes", bytes, "article (2019) s", ARTICLE_SECONDS);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("downloads", count);
      figures.put("latency_ms", server != null ? latency : null);
      figures.put("page_size", server != null ? pageSize : null);
      putSeconds(figures, seconds);
      for (String m : modes) {
        figures.put(m + "_bytes", bytes.get(m));
      }
      return figures;
    }
  }

  private long download(String mode, List<URI> sites) throws Exception {
    return runMode(
        "io",
        mode,
        TITLES.get(mode),
        sites.size(),
        progress ->
            switch (mode) {
              case "sequential" -> sequential(sites, progress);
              case "threads" -> gilThreads(sites, progress);
              case "loop" -> LoopHttpClient.downloadAll(sites, limit, progress);
              case "processes" -> processes(sites, progress);
              default -> throw new IllegalStateException("no such mode: " + mode);
            });
  }

  /** The article's {@code download_all_sites}: one session, one page after the other. */
  static long sequential(List<URI> sites, Progress progress) throws Exception {
    long bytes = 0;
    try (BlockingHttpClient client = new BlockingHttpClient()) {
      for (URI site : sites) {
        long t0 = Tracer.now();
        bytes += client.download(site);
        Tracer.span(SpanState.RUNNING, t0, DOWNLOAD);
        progress.step();
      }
    }
    return bytes;
  }

  /**
   * The article's {@code ThreadPoolExecutor(max_workers=5)} version, under a GIL: each download
   * waits inside a blocking section, which releases the GIL, so the other threads' downloads go on
   * meanwhile. One client serves all threads (it is thread-safe and pools connections; the article
   * gives each thread its own session because requests' sessions are not).
   */
  private long gilThreads(List<URI> sites, Progress progress) throws Exception {
    try (GilRuntime runtime =
            GilRuntime.builder().name("io-threads").watchdogThreshold(CpuCommand.WATCHDOG).build();
        BlockingHttpClient client = new BlockingHttpClient()) {
      return GilWorkers.run(
          runtime,
          threads,
          sites.size(),
          i -> {
            int bytes = client.download(sites.get(i));
            progress.step();
            return bytes;
          });
    }
  }

  /**
   * The article's {@code multiprocessing.Pool(initializer=set_global_session)} version: worker JVMs
   * each download with their own client. Starting the workers is part of the time, as in the
   * article.
   */
  private long processes(List<URI> sites, Progress progress) throws Exception {
    List<String> uris = sites.stream().map(URI::toString).toList();
    try (ProcessPool pool = PoolWork.pool(workers(), "io", true)) {
      return PoolWork.run(pool, PoolWork::download, uris, progress);
    }
  }

  private static List<URI> cycle(List<URI> urls, int count) {
    List<URI> sites = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sites.add(urls.get(i % urls.size()));
    }
    return sites;
  }
}
