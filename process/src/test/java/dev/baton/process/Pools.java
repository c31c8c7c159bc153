package dev.baton.process;

/** Builders for the tests' pools: small, lean worker JVMs, since the test machine is shared. */
final class Pools {
  private Pools() {}

  static ProcessPool.Builder lean(int workers) {
    return ProcessPool.builder()
        .workers(workers)
        .jvmOptions("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xss512k")
        .startupTimeout(java.time.Duration.ofSeconds(60));
  }
}
