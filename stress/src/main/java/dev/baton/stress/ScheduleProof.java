package dev.baton.stress;

import dev.baton.gil.Gil;
import dev.baton.gil.GilLock;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.sched.Explorer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The GIL increment proofs ({@link GilIncrementWithCheckpoint}, {@link GilIncrementNoCheckpoint},
 * {@link GilLockIncrement}) searched under deterministic GIL schedules instead of sampled on the
 * hardware: each body runs in two threads under up to {@code --runs} seeded schedules, and the same
 * {@link Expects} verdicts are required: the body with a checkpoint between read and write must
 * lose an update (and the schedule that does is shrunk and printed), the guarded ones never may.
 * Where jcstress counts outcomes, this names the interleaving; it sees only what a GIL can do, not
 * what the hardware's memory model adds.
 *
 * <p>{@code java -cp stress/target/jcstress.jar dev.baton.stress.ScheduleProof [--runs N]} prints a
 * table and exits 1 when a verdict fails.
 */
@Command(
    name = "schedule-proof",
    mixinStandardHelpOptions = true,
    description = "Explore the GIL increment proofs under deterministic schedules.")
public final class ScheduleProof implements Callable<Integer> {

  @Option(
      names = "--runs",
      defaultValue = "500",
      description = "Schedules tried per body (default: ${DEFAULT-VALUE}).")
  int runs;

  /** Where each body may lose the GIL. */
  enum Body {
    WITH_CHECKPOINT(Expects.Race.MUST),
    NO_CHECKPOINT(Expects.Race.NEVER),
    GIL_LOCK(Expects.Race.NEVER);

    final Expects.Race expect;

    Body(Expects.Race expect) {
      this.expect = expect;
    }
  }

  /**
   * One body's verdict.
   *
   * @param body the body
   * @param failure the minimal failing schedule, or empty when no run lost an update
   */
  record Verdict(Body body, Optional<Explorer.Failure> failure) {
    boolean ok() {
      return body.expect == Expects.Race.MUST ? failure.isPresent() : failure.isEmpty();
    }
  }

  /**
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ScheduleProof()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Verdict> verdicts = check(runs);
    PrintStream out = System.out;
    out.printf("%-16s %-16s %-40s %s%n", "body", "expectation", "found", "verdict");
    for (Verdict v : verdicts) {
      String found =
          v.failure()
              .map(
                  f ->
                      "seed "
                          + f.seed()
                          + ", run "
                          + f.runsToFailure()
                          + ", "
                          + f.minimal().handOffs().size()
                          + " hand-offs")
              .orElse("nothing in " + runs + " runs");
      out.printf(
          "%-16s %-16s %-40s %s%n",
          v.body(),
          v.body().expect == Expects.Race.MUST ? "must race" : "must never race",
          found,
          v.ok() ? "OK" : "FAILED");
    }
    for (Verdict v : verdicts) {
      v.failure().ifPresent(f -> out.printf("%n%s:%n%s%n", v.body(), f.minimal().render()));
    }
    boolean all = verdicts.stream().allMatch(Verdict::ok);
    out.println(all ? "All verdicts hold." : "Some verdicts FAILED.");
    return all ? 0 : 1;
  }

  /**
   * @param runs schedules per body
   * @return each body's verdict
   * @throws Exception if a run cannot be set up
   */
  static List<Verdict> check(int runs) throws Exception {
    List<Verdict> verdicts = new ArrayList<>();
    for (Body body : Body.values()) {
      verdicts.add(new Verdict(body, Explorer.random().runs(runs).explore(scenario(body))));
    }
    return verdicts;
  }

  private static Explorer.Scenario scenario(Body body) {
    return runtime -> {
      int[] x = new int[1];
      GilLock lock = new GilLock();
      for (int t = 1; t <= 2; t++) {
        runtime.startThread("actor-" + t, () -> increment(runtime, body, x, lock));
      }
      return () -> {
        if (x[0] != 2) {
          throw new AssertionError("lost update: x = " + x[0]);
        }
      };
    };
  }

  private static void increment(GilRuntime runtime, Body body, int[] x, GilLock lock) {
    Gil gil = runtime.gil();
    switch (body) {
      case WITH_CHECKPOINT -> {
        int v = x[0];
        gil.checkpoint();
        x[0] = v + 1;
      }
      case NO_CHECKPOINT -> {
        int v = x[0];
        x[0] = v + 1;
        gil.checkpoint();
      }
      case GIL_LOCK -> {
        try (var held = lock.hold()) {
          int v = x[0];
          gil.checkpoint();
          x[0] = v + 1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while taking the lock", e);
        }
      }
    }
  }
}
