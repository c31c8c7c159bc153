package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.trace.Tracer;
import dev.baton.process.ProcessPool;
import dev.baton.process.probe.ModuleProbe;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Workers start wherever their parent runs: each test launches a real application JVM in one of the
 * ways people run Java, and that application builds a pool with the defaults (no class path given)
 * and runs a task of its own in a real worker. The application is a named module, {@code demo.app},
 * compiled here; on the class path its module descriptor is ignored.
 */
class WorkerLaunchTest {
  /** The application's main class, {@code demo.app.Main}: see the resource beside this class. */
  private static final String APP_RESOURCE = "DemoApp.java.txt";

  private static final Pattern ANSWER = Pattern.compile("answer: (\\S+) in (\\d+) parent (\\d+)");

  @TempDir static Path shared;

  private static Path app;
  private static Path processClasses;
  private static Path coreClasses;
  private static Path slf4j;

  @TempDir Path dir;

  @BeforeAll
  static void compileTheApplication() throws Exception {
    processClasses = location(ProcessPool.class);
    coreClasses = location(Tracer.class);
    slf4j = location(LoggerFactory.class);
    Path src = shared.resolve("src");
    Files.createDirectories(src.resolve("demo/app"));
    Files.writeString(
        src.resolve("module-info.java"), "module demo.app { requires dev.baton.process; }");
    try (var in = WorkerLaunchTest.class.getResourceAsStream(APP_RESOURCE)) {
      Files.write(src.resolve("demo/app/Main.java"), in.readAllBytes());
    }
    app = shared.resolve("app");
    Process javac =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-d",
                app.toString(),
                "--module-path",
                paths(processClasses, coreClasses, slf4j),
                src.resolve("module-info.java").toString(),
                src.resolve("demo/app/Main.java").toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(javac.waitFor(120, TimeUnit.SECONDS)).as("javac ended").isTrue();
    assertThat(javac.exitValue()).as("javac: %s", log).isZero();
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static String paths(Path... entries) {
    List<String> s = new ArrayList<>();
    for (Path p : entries) {
      s.add(p.toString());
    }
    return String.join(File.pathSeparator, s);
  }

  /** Runs an application JVM to its end (bounded) and returns its stdout. */
  private String run(Path workDir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx128m");
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the application did not end in 180 s: " + command);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("exit code; stdout: %s; stderr: %s", stdout, Files.readString(err))
        .isZero();
    return stdout;
  }

  /** Asserts that a worker, another process, ran the task and saw its class in {@code module}. */
  private static void assertWorkerRan(String stdout, String module) {
    Matcher m = ANSWER.matcher(stdout);
    assertThat(m.find()).as("the application's output: %s", stdout).isTrue();
    assertThat(m.group(1)).isEqualTo(module);
    assertThat(m.group(2)).isNotEqualTo(m.group(3));
  }

  @Test
  void fromTheClassPath() throws Exception {
    String out = run(dir, "-cp", paths(app, processClasses, coreClasses, slf4j), "demo.app.Main");
    assertWorkerRan(out, "null");
  }

  @Test
  void fromTheModulePathWithTheSameModules() throws Exception {
    String out =
        run(
            dir,
            "-p",
            paths(app, processClasses, coreClasses, slf4j),
            "-m",
            "demo.app/demo.app.Main");
    assertWorkerRan(out, "demo.app");
  }

  @Test
  void fromAFatJar() throws Exception {
    Path fat = dir.resolve("fat.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(fat), manifest(null))) {
      Set<String> seen = new HashSet<>();
      for (Path entry : List.of(app, processClasses, coreClasses, slf4j)) {
        copyInto(jar, entry, seen);
      }
    }
    assertWorkerRan(run(dir, "-jar", fat.toString()), "null");
  }

  @Test
  void fromAJarWithAClassPathManifest() throws Exception {
    Path dist = dir.resolve("dist");
    Path lib = Files.createDirectories(dist.resolve("lib"));
    jar(processClasses, lib.resolve("baton-process.jar"));
    jar(coreClasses, lib.resolve("baton-core.jar"));
    Files.copy(slf4j, lib.resolve("slf4j-api.jar"));
    Path main = dist.resolve("app.jar");
    try (JarOutputStream jar =
        new JarOutputStream(
            Files.newOutputStream(main),
            manifest("lib/baton-process.jar lib/baton-core.jar lib/slf4j-api.jar"))) {
      copyInto(jar, app, new HashSet<>());
    }
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    assertWorkerRan(run(elsewhere, "-jar", main.toString()), "null");
  }

  @Test
  void fromAUrlClassLoaderAsUnderExecJava() throws Exception {
    String out =
        run(
            dir,
            "-cp",
            location(IsolatingLauncher.class).toString(),
            IsolatingLauncher.class.getName(),
            "url",
            paths(app, processClasses, coreClasses, slf4j),
            "demo.app.Main");
    assertWorkerRan(out, "null");
  }

  @Test
  void aClassLoaderWithAnUnknownClassPathFailsAtBuildNamingTheFix() throws Exception {
    String out =
        run(
            dir,
            "-cp",
            location(IsolatingLauncher.class).toString(),
            IsolatingLauncher.class.getName(),
            "opaque",
            paths(app, processClasses, coreClasses, slf4j),
            "demo.app.Main");
    assertThat(out)
        .startsWith("refused: dev.baton.process.WorkerStartException")
        .contains("thread \"main\"")
        .contains("opaque")
        .contains("classPath(...)")
        .contains("modulePath(...)");
  }

  @Test
  void aGivenModulePathStartsWorkersWithTheProcessModuleOnIt() throws Exception {
    try (ProcessPool pool =
        ProcessPool.builder()
            .workers(1)
            .jvmOptions("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m")
            .startupTimeout(java.time.Duration.ofSeconds(60))
            .noAotCache()
            .modulePath(paths(processClasses, coreClasses, slf4j))
            .classPath(location(ModuleProbe.class).toString())
            .build()) {
      assertThat(pool.apply(new ModuleProbe())).isEqualTo("dev.baton.process null");
    }
  }

  private static Manifest manifest(String classPath) {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "demo.app.Main");
    if (classPath != null) {
      m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    return m;
  }

  private static void jar(Path classes, Path jarFile) throws IOException {
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jarFile))) {
      copyInto(jar, classes, new HashSet<>());
    }
  }

  /**
   * Copies a directory's or a jar's files into {@code jar}, but no manifest and no module
   * descriptor (a fat jar is a class path entry; its parts' descriptors would clash).
   */
  private static void copyInto(JarOutputStream jar, Path entry, Set<String> seen)
      throws IOException {
    if (Files.isDirectory(entry)) {
      try (Stream<Path> files = Files.walk(entry)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String name = entry.relativize(file).toString().replace('\\', '/');
          if (keep(name) && seen.add(name)) {
            jar.putNextEntry(new JarEntry(name));
            jar.write(Files.readAllBytes(file));
            jar.closeEntry();
          }
        }
      }
      return;
    }
    try (JarInputStream in = new JarInputStream(Files.newInputStream(entry))) {
      JarEntry e;
      while ((e = in.getNextJarEntry()) != null) {
        if (!e.isDirectory() && keep(e.getName()) && seen.add(e.getName())) {
          jar.putNextEntry(new JarEntry(e.getName()));
          in.transferTo(new NonClosing(jar));
          jar.closeEntry();
        }
      }
    }
  }

  private static boolean keep(String name) {
    return !name.equals(JarFile.MANIFEST_NAME) && !name.endsWith("module-info.class");
  }

  /** Lets a copy write into a jar entry without closing the jar. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
