package dev.baton.rhino;

import dev.baton.gil.GilThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;

/**
 * The {@code io} global: I/O for scripts that releases the GIL while it waits, as CPython's socket
 * and file calls do.
 *
 * <pre>{@code
 * var page = io.get("http://127.0.0.1:8080/dice")  // the body of a 200 answer, as a string
 * }</pre>
 *
 * <p>{@code io.get(url)} sends an HTTP/1.1 GET and waits for the whole answer inside {@link
 * GilThreads#call}, so the GIL is free for other script threads meanwhile and held again when the
 * call returns. It waits at most {@value #TIMEOUT_SECONDS} s for the connection and for the answer.
 * A failure (no connection, a timeout, an answer other than 200) throws an {@code Error} the script
 * can catch, naming the URL. One JDK {@link HttpClient}, made on first use, serves every script of
 * the JVM; it keeps connections open between requests and its threads are daemons.
 */
final class ScriptIo {
  static final int TIMEOUT_SECONDS = 30;

  private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

  private ScriptIo() {}

  /** The shared client, made when the holder class is first used. */
  private static final class Client {
    static final HttpClient HTTP =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * @param cx the current context
   * @param scope the top-level scope
   * @return the {@code io} object
   */
  static Scriptable create(Context cx, ScriptableObject scope) {
    Scriptable io = cx.newObject(scope);
    ScriptableObject.defineProperty(
        io,
        "get",
        new LambdaFunction(
            scope,
            "get",
            1,
            (c, s, self, args) -> get(args.length == 0 ? "undefined" : Context.toString(args[0]))),
        ScriptableObject.DONTENUM);
    return io;
  }

  static String get(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw ScriptRuntime.typeError("io.get(url): not a URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw ScriptRuntime.typeError("io.get(url): only http and https URLs, got " + url);
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    HttpResponse<String> response;
    try {
      response = GilThreads.call(() -> send(request));
    } catch (InterruptedIOException e) {
      throw ScriptThreading.interrupted("io.get(" + url + ")");
    } catch (IOException e) {
      throw ScriptRuntime.constructError("Error", "io.get(" + url + ") failed: " + e);
    }
    if (response.statusCode() != 200) {
      throw ScriptRuntime.constructError(
          "Error", "io.get(" + url + ") answered " + response.statusCode() + ", not 200");
    }
    return response.body();
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return Client.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + request.uri());
    }
  }
}
