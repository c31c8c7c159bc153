package dev.baton.eventloop;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keys and certificates made at test time with keytool, in this JVM (self-signed, for "localhost"
 * and 127.0.0.1), their SSL contexts, their PEM form for openssl, and openssl peers.
 */
final class TlsFixtures {
  static final char[] PASSWORD = "changeit".toCharArray();

  final Path dir;
  final Path keystore;
  final Path pem;
  final SSLContext serverContext;
  final SSLContext clientContext;

  private TlsFixtures(Path dir, String name, String startDate, int validityDays) throws Exception {
    this.dir = dir;
    this.keystore = dir.resolve(name + ".p12");
    this.pem = dir.resolve(name + ".pem");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-validity",
                Integer.toString(validityDays)));
    if (startDate != null) {
      cmd.add("-startdate");
      cmd.add(startDate);
    }
    keytool(cmd);
    run(
        List.of(
            "openssl",
            "pkcs12",
            "-in",
            keystore.toString(),
            "-nodes",
            "-passin",
            "pass:changeit",
            "-out",
            pem.toString()));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    clientContext = trusting(ks.getCertificate(name));
  }

  /** A certificate valid now, for two days. */
  static TlsFixtures valid(Path dir) throws Exception {
    return new TlsFixtures(dir, "valid", null, 2);
  }

  /**
   * A server certificate that expired nine days ago, signed by a CA that is valid and that the
   * client context trusts (a trust anchor's own dates are not checked, so the leaf needs a CA).
   */
  static ExpiredChain expired(Path dir) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path leaf = dir.resolve("leaf.p12");
    String[] store = {"-storetype", "PKCS12", "-storepass", "changeit"};
    keytool(
        store,
        "-genkeypair",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-dname",
        "CN=test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "30");
    keytool(
        store,
        "-genkeypair",
        "-keystore",
        leaf.toString(),
        "-alias",
        "leaf",
        "-keyalg",
        "EC",
        "-dname",
        "CN=localhost",
        "-validity",
        "30");
    Path csr = dir.resolve("leaf.csr");
    Path crt = dir.resolve("leaf.crt");
    Path caCrt = dir.resolve("ca.crt");
    keytool(
        store, "-certreq", "-keystore", leaf.toString(), "-alias", "leaf", "-file", csr.toString());
    keytool(
        store,
        "-gencert",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-infile",
        csr.toString(),
        "-outfile",
        crt.toString(),
        "-startdate",
        "-10d",
        "-validity",
        "1",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-rfc");
    keytool(
        store,
        "-exportcert",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-rfc",
        "-file",
        caCrt.toString());
    keytool(
        store,
        "-importcert",
        "-keystore",
        leaf.toString(),
        "-alias",
        "ca",
        "-file",
        caCrt.toString(),
        "-noprompt");
    keytool(
        store,
        "-importcert",
        "-keystore",
        leaf.toString(),
        "-alias",
        "leaf",
        "-file",
        crt.toString(),
        "-noprompt");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(leaf)) {
      ks.load(in, PASSWORD);
    }
    ks.deleteEntry("ca");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    Certificate caCert;
    try (InputStream in = Files.newInputStream(caCrt)) {
      caCert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    return new ExpiredChain(server, trusting(caCert));
  }

  record ExpiredChain(SSLContext serverContext, SSLContext clientContext) {}

  private static void keytool(String[] store, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(List.of(store));
    keytool(cmd);
  }

  /**
   * Runs keytool in this JVM: its class is in java.base, whose package the build exports to the
   * tests. A keytool JVM per command made the expired chain's seven commands take most of its
   * test's time limit on a busy machine.
   */
  private static void keytool(List<String> args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      Class<?> tool = Class.forName("sun.security.tools.keytool.Main");
      status =
          (int)
              tool.getMethod("run", String[].class, PrintStream.class)
                  .invoke(tool.getConstructor().newInstance(), args.toArray(String[]::new), print);
    } catch (InvocationTargetException e) {
      throw new IOException("keytool " + args + " failed: " + out, e.getCause());
    }
    if (status != 0) {
      throw new IOException("keytool " + args + " failed with status " + status + ": " + out);
    }
  }

  static SSLContext trusting(Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("trusted", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }

  /** A context that trusts only the JDK's default CAs: a self-signed server is refused. */
  static SSLContext defaultClient() throws Exception {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, null, null);
    return c;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }

  /** A running {@code openssl s_server}; {@link #close()} kills it. */
  static final class OpensslServer implements AutoCloseable {
    final Process process;
    final int port;

    OpensslServer(Path pem, String... extra) throws Exception {
      List<String> cmd =
          new ArrayList<>(
              List.of("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", pem.toString()));
      cmd.addAll(List.of(extra));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Pattern accept = Pattern.compile("ACCEPT .*:(\\d+)");
      String line;
      int found = -1;
      while ((line = out.readLine()) != null) {
        Matcher m = accept.matcher(line);
        if (m.find()) {
          found = Integer.parseInt(m.group(1));
          break;
        }
      }
      if (found < 0) {
        process.destroyForcibly();
        throw new IOException("openssl s_server did not report its port");
      }
      port = found;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                  // the server ended
                }
              });
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
