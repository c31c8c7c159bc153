package dev.baton.rhino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.gil.GilRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ScriptableObject;

class ScriptIoTest {
  private final CountDownLatch answer = new CountDownLatch(1);
  private ServerSocket server;
  private Thread acceptor;
  private GilRuntime runtime;

  /**
   * A minimal HTTP/1.1 server on 127.0.0.1: {@code /slow} answers "page" once the test lets it,
   * anything else answers 404.
   */
  @BeforeEach
  void startServer() throws Exception {
    server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!server.isClosed()) {
                    try {
                      Socket socket = server.accept();
                      Thread.ofVirtual().start(() -> serve(socket));
                    } catch (IOException closed) {
                      return;
                    }
                  }
                });
    runtime = GilRuntime.builder().name("js-io").build();
  }

  private void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String requestLine = in.readLine();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        // headers: not needed
      }
      String response;
      if (requestLine != null && requestLine.startsWith("GET /slow ")) {
        boolean let = answer.await(60, TimeUnit.SECONDS);
        String body = let ? "page" : "timed out";
        response =
            "HTTP/1.1 200 OK\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body;
      } else {
        response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      }
      OutputStream out = socket.getOutputStream();
      out.write(response.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // the client went away: nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() throws Exception {
    answer.countDown();
    runtime.close();
    server.close();
    acceptor.join(Duration.ofSeconds(30));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  @Test
  void aScriptThreadWaitingInIoGetLetsAnotherScriptThreadRun() {
    GilContextFactory rhino = GilContextFactory.of(runtime);
    ScriptableObject scope =
        rhino.call(
            cx -> {
              ScriptableObject s = rhino.initStandardObjects(cx);
              ScriptableObject.putProperty(s, "URL", url("/slow"));
              ScriptableObject.putProperty(s, "MISSING", url("/missing"));
              cx.evaluateString(
                  s,
                  """
                  var state = { n: 0, ran: false };
                  threading.start(function () { state.page = io.get(URL); });
                  threading.start(function () {
                    for (var i = 0; i < 10000; i++) state.n++;
                    state.ran = true;
                  });
                  try { io.get(MISSING); } catch (e) { state.missing = e.message; }
                  """,
                  "io.js",
                  1,
                  null);
              return s;
            });
    ScriptableObject state = (ScriptableObject) ScriptableObject.getProperty(scope, "state");
    // the second thread runs to its end while the first still waits for its page
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Boolean.TRUE.equals(ScriptableObject.getProperty(state, "ran")));
    assertThat(ScriptableObject.getProperty(state, "page")).isSameAs(ScriptableObject.NOT_FOUND);
    answer.countDown();
    runtime.close();
    assertThat(Context.toString(ScriptableObject.getProperty(state, "page"))).isEqualTo("page");
    assertThat(Context.toNumber(ScriptableObject.getProperty(state, "n"))).isEqualTo(10_000);
    assertThat(Context.toString(ScriptableObject.getProperty(state, "missing")))
        .contains("answered 404");
  }
}
