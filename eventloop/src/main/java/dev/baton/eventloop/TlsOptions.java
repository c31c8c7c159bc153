package dev.baton.eventloop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS settings for a {@link Connection} or a {@link Server} (the {@code ssl=} argument of asyncio's
 * {@code open_connection}, {@code start_server} and {@code start_tls}): an {@link SSLContext} (its
 * key and trust managers decide the certificates), the side, the server name, the ALPN protocols
 * and the handshake's time limit. Immutable; each {@code with} method returns a copy.
 *
 * <p>A client checks the server's certificate against the server name (endpoint identification
 * "HTTPS", as a browser does) and sends it as SNI when it is a host name.
 */
public final class TlsOptions {
  /** The handshake's default limit, asyncio's {@code ssl_handshake_timeout}: 60 s. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

  private final SSLContext context;
  private final boolean client;
  private final String serverName;
  private final List<String> applicationProtocols;
  private final Duration handshakeTimeout;
  private final boolean needClientAuth;

  private TlsOptions(
      SSLContext context,
      boolean client,
      String serverName,
      List<String> applicationProtocols,
      Duration handshakeTimeout,
      boolean needClientAuth) {
    this.context = context;
    this.client = client;
    this.serverName = serverName;
    this.applicationProtocols = applicationProtocols;
    this.handshakeTimeout = handshakeTimeout;
    this.needClientAuth = needClientAuth;
  }

  /**
   * @param context the client's context (its trust managers check the server)
   * @return client settings: server name from the host connected to, no ALPN, 60 s handshake
   */
  public static TlsOptions client(SSLContext context) {
    return new TlsOptions(
        Objects.requireNonNull(context, "context"),
        true,
        null,
        List.of(),
        DEFAULT_HANDSHAKE_TIMEOUT,
        false);
  }

  /**
   * @param context the server's context (its key managers hold the certificate it presents)
   * @return server settings: no ALPN, no client certificate asked, 60 s handshake
   */
  public static TlsOptions server(SSLContext context) {
    return new TlsOptions(
        Objects.requireNonNull(context, "context"),
        false,
        null,
        List.of(),
        DEFAULT_HANDSHAKE_TIMEOUT,
        false);
  }

  /**
   * @param name the name the client expects in the server's certificate and sends as SNI
   * @return a copy with it (client side only)
   */
  public TlsOptions withServerName(String name) {
    Objects.requireNonNull(name, "name");
    if (!client) {
      throw new IllegalStateException("a server name is a client setting; these are " + this);
    }
    return new TlsOptions(
        context, true, name, applicationProtocols, handshakeTimeout, needClientAuth);
  }

  /**
   * @param protocols the ALPN protocols, most preferred first (e.g. "h2", "http/1.1")
   * @return a copy with them
   */
  public TlsOptions withApplicationProtocols(String... protocols) {
    List<String> list = List.of(protocols);
    for (String p : list) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("an ALPN protocol name must not be empty");
      }
    }
    return new TlsOptions(context, client, serverName, list, handshakeTimeout, needClientAuth);
  }

  /**
   * @param timeout how long the handshake may take, positive
   * @return a copy with it
   */
  public TlsOptions withHandshakeTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
    }
    return new TlsOptions(
        context, client, serverName, applicationProtocols, timeout, needClientAuth);
  }

  /**
   * @param need whether a server requires a client certificate (its trust managers check it)
   * @return a copy with it (server side only)
   */
  public TlsOptions withClientAuthRequired(boolean need) {
    if (client) {
      throw new IllegalStateException(
          "client authentication is a server setting; these are " + this);
    }
    return new TlsOptions(context, false, serverName, applicationProtocols, handshakeTimeout, need);
  }

  /**
   * @return the context engines are made from
   */
  public SSLContext context() {
    return context;
  }

  /**
   * @return whether these are a client's settings
   */
  public boolean clientMode() {
    return client;
  }

  /**
   * @return the expected server name, or null (then the host connected to)
   */
  public String serverName() {
    return serverName;
  }

  /**
   * @return the ALPN protocols offered (client) or accepted (server), in order of preference
   */
  public List<String> applicationProtocols() {
    return applicationProtocols;
  }

  /**
   * @return the handshake's limit
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * @return whether a server requires a client certificate
   */
  public boolean clientAuthRequired() {
    return needClientAuth;
  }

  /**
   * A new engine for one connection to or from {@code peer}, set up as these options say: its mode,
   * and for a client the server name (SNI and host name verification) and the port, as Netty's
   * {@code SslContext.newEngine(alloc, host, port)} does; for a server whether client certificates
   * are required; for both the ALPN protocols.
   */
  SSLEngine newEngine(SocketAddress peer) {
    SSLEngine engine;
    if (client) {
      int port = peer instanceof InetSocketAddress inet ? inet.getPort() : -1;
      engine =
          serverName != null
              ? context.createSSLEngine(serverName, port)
              : context.createSSLEngine();
    } else {
      engine = context.createSSLEngine();
    }
    engine.setUseClientMode(client);
    SSLParameters p = engine.getSSLParameters();
    if (!client) {
      p.setNeedClientAuth(needClientAuth);
    } else if (serverName != null) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
      if (!serverName.isEmpty() && !isIpLiteral(serverName)) {
        p.setServerNames(List.of(new SNIHostName(serverName)));
      }
    }
    if (!applicationProtocols.isEmpty()) {
      p.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
    }
    engine.setSSLParameters(p);
    return engine;
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  @Override
  public String toString() {
    return "TlsOptions["
        + (client ? "client" : "server")
        + (serverName != null ? ", serverName=" + serverName : "")
        + (applicationProtocols.isEmpty() ? "" : ", alpn=" + applicationProtocols)
        + ", handshakeTimeout="
        + handshakeTimeout
        + "]";
  }
}
