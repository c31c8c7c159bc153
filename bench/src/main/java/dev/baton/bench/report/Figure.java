package dev.baton.bench.report;

/**
 * One row of the results table: a figure a capability issue names, the peer or baseline it is
 * compared with in the same run, and the goal.
 *
 * @param issue the issue that sets the goal, e.g. "#3 GIL"
 * @param title what is measured
 * @param ours where Baton's number comes from
 * @param peer where the same-run peer or baseline comes from, or null
 * @param goal what the issue asks
 * @param reference an outside anchor quoted by the issue (not measured in this run), or null
 */
public record Figure(
    String issue, String title, Metric ours, Metric peer, Goal goal, String reference) {

  /** Checks that a ratio goal has a peer to divide by. */
  public Figure {
    if (goal.needsPeer() && peer == null) {
      throw new IllegalArgumentException("figure '" + title + "' has a ratio goal but no peer");
    }
  }
}
