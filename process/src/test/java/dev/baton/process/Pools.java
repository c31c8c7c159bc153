package dev.baton.process;

/** Builders for the tests' pools: small, lean worker JVMs, since the test machine is shared. */
final class Pools {
  private Pools() {}

  /** Waits, bounded, for {@code f} to fail and returns why. */
  static Throwable failureOf(java.util.concurrent.CompletableFuture<?> f) {
    java.util.concurrent.ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> f.get(30, java.util.concurrent.TimeUnit.SECONDS));
    return e.getCause();
  }

  static ProcessPool.Builder lean(int workers) {
    return ProcessPool.builder()
        .workers(workers)
        .jvmOptions("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xss512k")
        .startupTimeout(java.time.Duration.ofSeconds(60))
        .noAotCache();
  }
}
