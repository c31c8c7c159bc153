package dev.baton.bench.report;

/**
 * One row of the results table: a figure of one module, the peer or baseline it is compared with in
 * the same run, and the project's target for it.
 *
 * @param module the module whose code the figure measures, one of {@link Figures#MODULES}
 * @param title what is measured
 * @param ours where Baton's number comes from
 * @param peer where the same-run peer or baseline comes from, or null
 * @param goal the target
 * @param reference an outside anchor (measured elsewhere, not in this run), or null
 */
public record Figure(
    String module, String title, Metric ours, Metric peer, Goal goal, String reference) {

  /** Checks that a ratio goal has a peer to divide by. */
  public Figure {
    if (!Figures.MODULES.contains(module)) {
      throw new IllegalArgumentException("figure '" + title + "': unknown module '" + module + "'");
    }
    if (goal.needsPeer() && peer == null) {
      throw new IllegalArgumentException("figure '" + title + "' has a ratio goal but no peer");
    }
  }
}
