package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local server and the blocking client, against each other. */
class PageServerTest {

  @Test
  void servesBothPagesWithTheConfiguredSizeAndContent() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 1000);
        HttpClient client = HttpClient.newHttpClient()) {
      for (String path : PageServer.PATHS) {
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(PageServer.page(path, 1000)).hasSize(1000);
        assertThat(new String(response.body(), StandardCharsets.US_ASCII))
            .startsWith("<!doctype html><title>" + path + "</title>");
      }
      assertThat(server.served()).isEqualTo(2);
      assertThat(server.uri("/dice").getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void sitesAlternateTheTwoPagesLikeTheArticle() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 10)) {
      List<URI> sites = server.sites(160);
      assertThat(sites).hasSize(160);
      assertThat(sites.get(0).getPath()).isEqualTo("/jython");
      assertThat(sites.get(1).getPath()).isEqualTo("/dice");
      assertThat(sites.stream().filter(u -> u.getPath().equals("/dice"))).hasSize(80);
    }
  }

  @Test
  void blockingClientDownloadsInsideABlockingSection() throws Exception {
    AtomicInteger enters = new AtomicInteger();
    AtomicInteger exits = new AtomicInteger();
    BlockingHandler handler =
        new BlockingHandler() {
          @Override
          public void enter() {
            enters.incrementAndGet();
          }

          @Override
          public void exit() {
            exits.incrementAndGet();
          }
        };
    try (PageServer server = PageServer.start(Duration.ofMillis(1), 4096);
        BlockingHttpClient client = new BlockingHttpClient();
        Blocking.Registration registration = Blocking.install(handler)) {
      long bytes = 0;
      for (URI site : server.sites(6)) {
        bytes += client.download(site);
      }
      assertThat(bytes).isEqualTo(6 * 4096);
      assertThat(enters).hasValue(6);
      assertThat(exits).hasValue(6);
    }
  }

  @Test
  void manyRequestsWaitAtOnce() throws Exception {
    int requests = 40;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try (PageServer server = PageServer.start(Duration.ofMillis(300), 100);
        BlockingHttpClient client = new BlockingHttpClient()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (URI site : server.sites(requests)) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return client.download(site);
                }));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(100);
      }
      assertThat(server.served()).isEqualTo(requests);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void clientReportsAnythingButOkWithTheAddressAndStatus() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 10);
        BlockingHttpClient client = new BlockingHttpClient()) {
      URI missing = server.uri("/missing");
      assertThatThrownBy(() -> client.download(missing))
          .isInstanceOf(IOException.class)
          .hasMessage("GET " + missing + " answered 404, not 200");
      assertThat(server.served()).isZero();
    }
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> PageServer.start(Duration.ofMillis(-1), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency must not be negative");
    assertThatThrownBy(() -> PageServer.start(Duration.ZERO, 0))
        .hasMessageContaining("pageSize must be between 1 and");
  }

  @Test
  void pageIsExactlyTheRequestedSizeEvenWhenTiny() {
    assertThat(PageServer.page("/dice", 3)).hasSize(3);
    assertThat(PageServer.page("/dice", 100_000)).hasSize(100_000);
  }
}
