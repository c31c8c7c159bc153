package dev.baton.process;

/**
 * A parent JVM for {@link LifecycleTest}: starts a pool of one, puts its worker in the middle of a
 * long task, prints the worker's pid and waits to be killed.
 */
public final class OrphanedParent {
  private OrphanedParent() {}

  /**
   * @param args unused
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    ProcessPool pool = Pools.lean(1).build();
    pool.submit(
        () -> {
          Thread.sleep(120_000);
          return 0;
        });
    System.out.println("worker " + pool.workerPids().get(0));
    System.out.flush();
    Thread.sleep(120_000);
  }
}
