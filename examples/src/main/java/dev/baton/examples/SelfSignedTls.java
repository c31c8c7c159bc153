package dev.baton.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for "localhost" (and 127.0.0.1), made by the running JDK's keytool in a
 * directory of the caller's, with a server context that presents it and a client context that
 * trusts it alone.
 *
 * <p>Public for the benchmarks, which echo over TLS with the same certificate as {@code ./baton
 * streams}; not API.
 *
 * @param keys the server's key managers (for a peer such as Netty's SslContextBuilder)
 * @param server a context presenting the certificate
 * @param client a context trusting only it
 */
public record SelfSignedTls(KeyManagerFactory keys, SSLContext server, SSLContext client) {
  /**
   * @param dir where keytool writes its key store ({@code server.p12}); the caller deletes it
   * @return the certificate's contexts
   * @throws Exception when keytool fails or the JDK refuses the store
   */
  public static SelfSignedTls create(Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    byte[] said = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed: " + new String(said, StandardCharsets.UTF_8));
    }
    char[] password = "changeit".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", ks.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    return new SelfSignedTls(kmf, server, client);
  }
}
