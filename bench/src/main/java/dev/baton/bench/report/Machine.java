package dev.baton.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on: cores, CPU, JDK, OS, and the load at a moment. */
final class Machine {
  private Machine() {}

  /**
   * @return e.g. "2 (Intel(R) Xeon(R) ...)"
   */
  static String cores() {
    return Runtime.getRuntime().availableProcessors()
        + cpuModel().map(m -> " (" + m + ")").orElse("");
  }

  private static java.util.Optional<String> cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      return lines.stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * @return the JDK that runs the report and (by default) the JMH forks
   */
  static String jdk() {
    return System.getProperty("java.vm.vendor")
        + " "
        + System.getProperty("java.vm.name")
        + " "
        + Runtime.version();
  }

  /**
   * @return OS name, version and architecture
   */
  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch");
  }

  /**
   * @return the 1, 5 and 15 minute load averages, or "unknown"
   */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
