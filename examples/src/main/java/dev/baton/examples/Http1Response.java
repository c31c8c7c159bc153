package dev.baton.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 response read incrementally from bytes as they arrive on a non-blocking connection:
 * the event loop's HTTP client feeds it whatever each read returned, and it says when the response
 * is complete. It understands {@code Content-Length}, {@code Transfer-Encoding: chunked}, and a
 * body that ends when the server closes the connection.
 *
 * <p>Threading: confined to one thread (the loop's) at a time.
 */
final class Http1Response {
  /** Longest status line plus headers accepted, in bytes. */
  static final int MAX_HEAD = 64 * 1024;

  private enum State {
    HEAD,
    BODY_LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER,
    BODY_UNTIL_CLOSE,
    DONE
  }

  private State state = State.HEAD;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder head = new StringBuilder();
  private int status = -1;
  private long remaining;
  private long bodyBytes;
  private boolean keepAlive = true;

  /**
   * The request line and headers of a GET for {@code uri}, asking the server to close the
   * connection after the response.
   *
   * @param uri an {@code http} address
   * @return the request's bytes
   * @throws IllegalArgumentException if the address is not plain {@code http}
   */
  static byte[] get(URI uri) {
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the event loop's HTTP client speaks plain http:// only, got " + uri);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: baton-examples\r\nAccept: */*\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Consumes bytes that arrived.
   *
   * @param bytes the bytes; all of them are consumed
   * @return whether the response is now complete (bytes after its end are ignored)
   * @throws ProtocolException if the bytes are not an HTTP/1.1 response
   */
  boolean feed(ByteBuffer bytes) throws ProtocolException {
    while (bytes.hasRemaining() && state != State.DONE) {
      switch (state) {
        case HEAD, CHUNK_SIZE, CHUNK_DATA_END, TRAILER -> {
          String text = readLine(bytes);
          if (text != null) {
            onLine(text);
          }
        }
        case BODY_LENGTH, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, bytes.remaining());
          bytes.position(bytes.position() + n);
          bodyBytes += n;
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY_LENGTH ? State.DONE : State.CHUNK_DATA_END;
          }
        }
        case BODY_UNTIL_CLOSE -> {
          bodyBytes += bytes.remaining();
          bytes.position(bytes.limit());
        }
        case DONE -> throw new AssertionError("loop ends at DONE");
      }
    }
    return state == State.DONE;
  }

  /**
   * Tells the response that the server closed the connection.
   *
   * @return whether the response is complete
   * @throws ProtocolException if the connection closed before the response's end
   */
  boolean endOfStream() throws ProtocolException {
    if (state == State.BODY_UNTIL_CLOSE) {
      state = State.DONE;
    }
    if (state != State.DONE) {
      throw new ProtocolException(
          "connection closed in the middle of the response (" + state + ")");
    }
    return true;
  }

  /**
   * @return whether the whole response has arrived
   */
  boolean isComplete() {
    return state == State.DONE;
  }

  /**
   * @return the status code, or -1 before the status line arrived
   */
  int status() {
    return status;
  }

  /**
   * @return the body's length so far (without chunk framing)
   */
  long bodyBytes() {
    return bodyBytes;
  }

  /**
   * @return false when the server said it will close the connection
   */
  boolean keepAlive() {
    return keepAlive;
  }

  /** Returns the next CRLF-terminated line without its CRLF, or null when it is not all here. */
  private String readLine(ByteBuffer bytes) throws ProtocolException {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b == '\n') {
        byte[] raw = line.toByteArray();
        line.reset();
        int end = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (head.length() + line.size() > MAX_HEAD) {
        throw new ProtocolException("response head longer than " + MAX_HEAD + " bytes");
      }
    }
    return null;
  }

  private void onLine(String text) throws ProtocolException {
    switch (state) {
      case HEAD -> {
        if (status < 0) {
          status = parseStatus(text);
        } else if (text.isEmpty()) {
          startBody();
        } else {
          head.append(text).append('\n');
        }
      }
      case CHUNK_SIZE -> {
        int semicolon = text.indexOf(';');
        String size = (semicolon < 0 ? text : text.substring(0, semicolon)).trim();
        try {
          remaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
          throw new ProtocolException("bad chunk size '" + text + "'");
        }
        if (remaining < 0) {
          throw new ProtocolException("bad chunk size '" + text + "'");
        }
        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
      }
      case CHUNK_DATA_END -> {
        if (!text.isEmpty()) {
          throw new ProtocolException("chunk not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILER -> {
        if (text.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new AssertionError(state);
    }
  }

  private static int parseStatus(String text) throws ProtocolException {
    String[] parts = text.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x status line: '" + text + "'");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad status code in '" + text + "'");
    }
  }

  private void startBody() throws ProtocolException {
    String contentLength = null;
    boolean chunked = false;
    for (String header : head.toString().split("\n")) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> contentLength = value;
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    if (status / 100 == 1 || status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength != null) {
      try {
        remaining = Long.parseLong(contentLength);
      } catch (NumberFormatException e) {
        throw new ProtocolException("bad Content-Length '" + contentLength + "'");
      }
      if (remaining < 0) {
        throw new ProtocolException("bad Content-Length '" + contentLength + "'");
      }
      state = remaining == 0 ? State.DONE : State.BODY_LENGTH;
    } else {
      keepAlive = false;
      state = State.BODY_UNTIL_CLOSE;
    }
  }

  /**
   * @param uri the address the response came from, for the message
   * @throws IOException naming the address when the response is not 200 OK
   */
  void requireOk(URI uri) throws IOException {
    if (status != 200) {
      throw new IOException("GET " + uri + " answered " + status + ", not 200");
    }
  }
}
