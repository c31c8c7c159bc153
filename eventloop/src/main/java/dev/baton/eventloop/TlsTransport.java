package dev.baton.eventloop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a socket channel: an {@link SSLEngine} driven on the loop's thread between the socket
 * and the connection's streams.
 *
 * <pre>
 * Buffers (loop thread only):
 *   netIn   fill mode: ciphertext read from the socket, not yet unwrapped (a partial record waits
 *           here for the rest)
 *   appIn   read mode: plaintext of the last unwrapped record, not yet taken by the reader; the
 *           next record is unwrapped only once it is empty
 *   netOut  fill mode: ciphertext wrapped, not yet taken by the socket
 *
 * The pump (run on readiness, after delegated tasks, and when the reader asks again):
 *   flush netOut; then, until no step moves:
 *     NEED_TASK  -> run the engine's delegated tasks on the loop's executor (runInExecutor), pump
 *                   again when they end: certificate checks and key exchange never run on the loop
 *     NEED_WRAP  -> wrap a handshake message (or an alert, a close_notify) into netOut
 *     otherwise  -> hand appIn to the reader while it wants data; unwrap the next record from
 *                   netIn, reading the socket when netIn holds no whole record
 *   set the key's interest: OP_WRITE while netOut holds data; OP_READ while handshaking, or
 *   while the reader wants data and appIn is empty.
 * </pre>
 *
 * <p>Backpressure: a paused reader stops unwrapping and reading the socket (the peer's sends fill
 * the kernel's buffers, then block). The writer's bytes are wrapped only while netOut holds less
 * than {@link #NET_OUT_LIMIT}; beyond, {@link #write} takes nothing and the writer buffers, so its
 * {@code drain()} works as over TCP.
 *
 * <p>Failures are {@link SSLException}s on this connection only: the engine's own (a certificate
 * not trusted or expired, an alert from the peer); {@link SSLHandshakeException} when the peer
 * closes during the handshake or the handshake outlives its limit (cause {@link TimeoutException});
 * an {@link SSLException} when the peer's stream ends inside a record, or when the peer asks to
 * renegotiate (TLS 1.2 and older: renegotiation is refused; TLS 1.3 has none, its key updates are
 * served). A stream that ends between records without close_notify ends the reader like
 * close_notify (a "ragged" EOF, which asyncio and Python's {@code suppress_ragged_eofs} accept);
 * the reader's data is whole up to there, a partial record never reaches it.
 *
 * <p>Closing: an orderly close wraps close_notify after the pending ciphertext and keeps the socket
 * until both are out, at most {@link #CLOSE_LINGER}; a failure closes the socket at once.
 */
final class TlsTransport implements Transport, ReadinessHandler {
  /** The writer's bytes are wrapped only while less ciphertext than this waits for the socket. */
  static final int NET_OUT_LIMIT = 32 * 1024;

  /** How long an orderly close may wait for the socket to take the last ciphertext. */
  static final Duration CLOSE_LINGER = Duration.ofSeconds(5);

  /** Steps of one pump before it yields the loop to other callbacks until the next pass. */
  static final int RECORDS_PER_PASS = 64;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Connection connection;
  private final EventLoop loop;
  private final SocketChannel channel;
  private final SelectionKey key;
  private final SSLEngine engine;
  private final TlsOptions options;
  private final Future<Void> handshake;

  // Every field below: loop thread only.
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private ByteBuffer netOut;

  private boolean handshakeDone;
  private boolean taskRunning;
  private boolean readWanted = true;
  private boolean writeWanted;
  private boolean pumpScheduled;

  /** close_notify arrived, or the stream ended between records: the reader gets -1. */
  private boolean inboundDone;

  /** close() ran: only flushing is left. */
  private boolean closing;

  /** The socket is closed. */
  private boolean closedHard;

  /** Connection.abort: close the socket at once, without close_notify. */
  private boolean abortive;

  private TimerHandle handshakeTimer;
  private TimerHandle lingerTimer;

  TlsTransport(Connection connection, SocketTransport socket, TlsOptions options, byte[] early) {
    this.connection = connection;
    this.loop = connection.loop();
    this.channel = socket.channel;
    this.key = socket.key;
    this.options = options;
    this.engine = options.newEngine(connection.remoteAddress());
    SSLSession session = engine.getSession();
    this.netIn = ByteBuffer.allocate(Math.max(session.getPacketBufferSize(), early.length));
    this.netIn.put(early);
    this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
    this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
    this.handshake = new Future<>(loop);
  }

  /** Takes the selection key over and starts the handshake; the future completes with it. */
  Future<Void> begin() {
    key.attach(this);
    handshakeTimer = loop.callLater(options.handshakeTimeout(), this::handshakeTimedOut);
    try {
      engine.beginHandshake();
    } catch (SSLException e) {
      fail(e);
      return handshake;
    }
    pump();
    return handshake;
  }

  SocketChannel channel() {
    return channel;
  }

  SSLSession session() {
    return engine.getSession();
  }

  String applicationProtocol() {
    String p = engine.getApplicationProtocol();
    return p == null || p.isEmpty() ? null : p;
  }

  private void handshakeTimedOut() {
    handshakeTimer = null;
    if (handshakeDone || closedHard) {
      return;
    }
    SSLHandshakeException e =
        new SSLHandshakeException(
            "TLS handshake with "
                + connection.remoteAddress()
                + " did not complete within "
                + options.handshakeTimeout());
    e.initCause(new TimeoutException("TLS handshake timeout " + options.handshakeTimeout()));
    fail(e);
  }

  // ---- Transport: the streams' side

  @Override
  public int read(ByteBuffer dst) {
    if (appIn.hasRemaining()) {
      int n = Math.min(dst.remaining(), appIn.remaining());
      int limit = appIn.limit();
      appIn.limit(appIn.position() + n);
      dst.put(appIn);
      appIn.limit(limit);
      return n;
    }
    return inboundDone ? -1 : 0;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (closing || closedHard) {
      throw new IOException("TLS connection " + connection + " is closed");
    }
    if (!handshakeDone || taskRunning || netOut.position() >= NET_OUT_LIMIT) {
      return 0;
    }
    int before = src.position();
    wrapping:
    while (src.hasRemaining()) {
      while (src.hasRemaining() && netOut.position() < NET_OUT_LIMIT) {
        SSLEngineResult r = wrap(src);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new SSLException(
              "TLS connection " + connection + " is closed for writing (close_notify sent)");
        }
        if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
            && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
          schedulePump(); // e.g. a TLS 1.3 key update to answer
          break wrapping;
        }
      }
      flush();
      if (netOut.position() > 0) {
        break; // the socket is full: OP_WRITE, then the pump calls the writer again
      }
    }
    flush();
    updateInterest();
    return src.position() - before;
  }

  @Override
  public void shutdownOutput() {
    if (closing || closedHard || engine.isOutboundDone()) {
      return;
    }
    engine.closeOutbound();
    schedulePump(); // NEED_WRAP: the pump wraps close_notify after what waits in netOut
  }

  @Override
  public void readInterest(boolean on) {
    readWanted = on;
    if (on && handshakeDone) {
      schedulePump(); // netIn may hold whole records the socket will not announce again
    } else {
      updateInterest();
    }
  }

  @Override
  public void writeInterest(boolean on) {
    writeWanted = on;
    if (on && handshakeDone && netOut.position() == 0) {
      schedulePump();
    }
  }

  @Override
  public boolean isOpen() {
    return !closing && !closedHard;
  }

  @Override
  public void close(IOException cause) {
    if (closing || closedHard) {
      return;
    }
    closing = true;
    cancelHandshakeTimer();
    if (handshake.pendingPlain()) {
      handshake.setException(
          cause != null ? cause : new SSLException("connection closed during the TLS handshake"));
    }
    if (abortive) {
      closeHard();
      return;
    }
    if (cause != null || taskRunning) {
      try {
        flush(); // an alert the engine wrapped, if any
      } catch (IOException ignored) {
        // closing anyway
      }
      closeHard();
      return;
    }
    try {
      engine.closeOutbound();
      while (!engine.isOutboundDone()) {
        SSLEngineResult r = wrap(EMPTY);
        if (r.bytesProduced() == 0) {
          break;
        }
      }
      flush();
    } catch (IOException e) {
      EventLoop.LOG.debug("sending close_notify on {} failed", connection, e);
      closeHard();
      return;
    }
    if (netOut.position() == 0) {
      closeHard();
    } else {
      updateInterest();
      lingerTimer = loop.callLater(CLOSE_LINGER, this::closeHard);
    }
  }

  void skipCloseNotify() {
    abortive = true;
  }

  private void closeHard() {
    if (closedHard) {
      return;
    }
    closedHard = true;
    closing = true;
    cancelHandshakeTimer();
    if (lingerTimer != null) {
      lingerTimer.cancel();
      lingerTimer = null;
    }
    key.cancel();
    Connection.closeQuietly(channel);
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
      handshakeTimer = null;
    }
  }

  /** Fails this connection with {@code e}: the handshake's future and the streams get it. */
  private void fail(IOException e) {
    if (handshake.pendingPlain()) {
      handshake.setException(e);
    }
    connection.closeNow(e);
    closeHard();
  }

  // ---- the selector's side

  @Override
  public void ready(int readyOps) {
    pump();
  }

  private void schedulePump() {
    if (!pumpScheduled && !closedHard) {
      pumpScheduled = true;
      loop.callSoon(
          () -> {
            pumpScheduled = false;
            pump();
          });
    }
  }

  private void pump() {
    if (closedHard) {
      return;
    }
    try {
      flush();
      if (closing) {
        if (netOut.position() == 0) {
          closeHard();
        } else {
          updateInterest();
        }
        return;
      }
      steps();
      flush();
      updateInterest();
      if (writeWanted && handshakeDone && !taskRunning && netOut.position() == 0 && !closing) {
        connection.writable();
      }
    } catch (SSLException e) {
      fail(e);
    } catch (IOException e) {
      fail(e);
    }
  }

  /** Runs the engine until no step moves; see the class comment. */
  private void steps() throws IOException {
    int records = 0;
    while (!taskRunning && !closedHard && !closing) {
      if (++records > RECORDS_PER_PASS) {
        schedulePump(); // a peer that keeps sending must not hold the loop: go on next pass
        return;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        runDelegatedTasks();
        return;
      }
      if (hs == HandshakeStatus.NEED_WRAP) {
        SSLEngineResult r = wrap(EMPTY);
        if (r.bytesProduced() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          return; // outbound closed with nothing left to say
        }
        continue;
      }
      if (hs == HandshakeStatus.NOT_HANDSHAKING && !handshakeDone) {
        handshakeDone = true;
        cancelHandshakeTimer();
        if (handshake.pendingPlain()) {
          handshake.setResult(null);
        }
      }
      if (appIn.hasRemaining() || (inboundDone && handshakeDone)) {
        if (!readWanted) {
          return;
        }
        connection.readable(); // the reader takes what it can and may pause
        if (connection.isClosed() || inboundDone) {
          return;
        }
        continue;
      }
      if (inboundDone) {
        return;
      }
      if (handshakeDone && !readWanted) {
        return;
      }
      if (!unwrap()) {
        return;
      }
    }
  }

  /**
   * Unwraps one record from netIn into the empty appIn, reading the socket first when netIn holds
   * no whole record.
   *
   * @return whether anything moved (false: wait for the socket)
   */
  private boolean unwrap() throws IOException {
    // unwrap even with netIn empty: a delegated task's failure is thrown by the next unwrap
    netIn.flip();
    appIn.clear();
    SSLEngineResult r;
    try {
      r = engine.unwrap(netIn, appIn);
    } finally {
      netIn.compact();
      appIn.flip();
    }
    switch (r.getStatus()) {
      case OK -> {
        if (handshakeDone
            && r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
            && r.getHandshakeStatus() != HandshakeStatus.FINISHED
            && !"TLSv1.3".equals(engine.getSession().getProtocol())) {
          throw new SSLException(
              "peer "
                  + connection.remoteAddress()
                  + " asked to renegotiate the TLS session ("
                  + engine.getSession().getProtocol()
                  + "); renegotiation is refused");
        }
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
      }
      case BUFFER_UNDERFLOW -> {
        int need = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() < need) {
          netIn = ByteBuffer.allocate(need).put(netIn.flip());
        } else if (!netIn.hasRemaining()) {
          netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
        }
        return fill();
      }
      case BUFFER_OVERFLOW -> {
        int need = Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2);
        appIn = ByteBuffer.allocate(need).flip();
        return true;
      }
      case CLOSED -> {
        inboundDone = true; // close_notify: the reader gets the end; NEED_WRAP answers it
        return true;
      }
      default -> throw new IllegalStateException("unknown unwrap status " + r.getStatus());
    }
  }

  /**
   * Reads the socket into netIn.
   *
   * @return whether bytes came, or the end of the stream was handled
   */
  private boolean fill() throws IOException {
    int n = channel.read(netIn);
    if (n > 0) {
      return true;
    }
    if (n == 0) {
      return false;
    }
    if (!handshakeDone) {
      throw new SSLHandshakeException(
          "peer " + connection.remoteAddress() + " closed the connection during the TLS handshake");
    }
    if (netIn.position() > 0) {
      throw new SSLException(
          "peer "
              + connection.remoteAddress()
              + " closed the connection in the middle of a TLS record ("
              + netIn.position()
              + " bytes of it arrived); the data is truncated");
    }
    EventLoop.LOG.debug(
        "{} ended without close_notify; taken as the end of the stream", connection);
    inboundDone = true;
    return true;
  }

  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    while (true) {
      int need = engine.getSession().getPacketBufferSize();
      if (netOut.remaining() < need) {
        netOut = ByteBuffer.allocate(netOut.position() + need).put(netOut.flip());
      }
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
        return r;
      }
      netOut = ByteBuffer.allocate(netOut.capacity() * 2).put(netOut.flip());
    }
  }

  private void flush() throws IOException {
    if (netOut.position() == 0 || closedHard) {
      return;
    }
    netOut.flip();
    try {
      while (netOut.hasRemaining() && channel.write(netOut) > 0) {
        // the socket took some; try again
      }
    } finally {
      netOut.compact();
    }
  }

  private void updateInterest() {
    if (closedHard || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (netOut.position() > 0) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (!closing
        && !inboundDone
        && !taskRunning
        && (!handshakeDone || (readWanted && !appIn.hasRemaining()))) {
      ops |= SelectionKey.OP_READ;
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  private void runDelegatedTasks() {
    taskRunning = true;
    updateInterest();
    Future<Void> tasks =
        loop.runInExecutor(
            () -> {
              Runnable t;
              while ((t = engine.getDelegatedTask()) != null) {
                t.run();
              }
              return null;
            });
    tasks.addDoneCallback(
        f -> {
          taskRunning = false;
          if (closedHard) {
            return;
          }
          Throwable e = f.isCancelled() ? null : f.exception();
          if (e != null) {
            SSLException ssl =
                e instanceof SSLException s
                    ? s
                    : new SSLException("TLS handshake task failed: " + e, e);
            fail(ssl);
            return;
          }
          pump();
        });
  }

  @Override
  public String toString() {
    return "TLS " + connection;
  }
}
