package dev.baton.eventloop;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a {@link Connection}'s {@link StreamReader} reads from and its {@link StreamWriter} writes
 * to: asyncio's transport under its stream protocol. {@link SocketTransport} is a socket channel on
 * the selector (TCP or a Unix domain socket), {@link TlsTransport} an {@code SSLEngine} over such a
 * socket, {@link PipeTransport} one pipe of a child process, read or written by a thread of its
 * own.
 *
 * <p>The transport tells the connection when data can be read ({@link Connection#readable()}, the
 * reader then calls {@link #read}) and when more can be written ({@link Connection#writable()},
 * only while write interest is on), and reports a failure through {@link Connection#closeNow}.
 *
 * <p>Threading: every method runs on the loop's thread.
 */
interface Transport {
  /**
   * Moves available bytes into {@code dst}; never waits.
   *
   * @return bytes moved, 0 if none are there now, -1 at the end of the stream
   * @throws IOException if the stream failed
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Takes what it can of {@code src} now; never waits.
   *
   * @return bytes taken
   * @throws IOException if the stream failed
   */
  int write(ByteBuffer src) throws IOException;

  /** Ends the writing side once what was taken is out; reading goes on where the medium allows. */
  void shutdownOutput() throws IOException;

  /** The reader wants data (on) or has enough buffered (off): the transport's backpressure. */
  void readInterest(boolean on);

  /** The writer has data the transport did not take: call {@link Connection#writable()}. */
  void writeInterest(boolean on);

  /**
   * @return whether it was not closed
   */
  boolean isOpen();

  /**
   * Closes; once. With a null {@code cause} the close is orderly (a TLS transport sends its
   * close_notify first).
   */
  void close(IOException cause);

  /** Builds a connection's transport once the connection object exists. */
  @FunctionalInterface
  interface Factory {
    Transport create(Connection connection) throws IOException;
  }
}
