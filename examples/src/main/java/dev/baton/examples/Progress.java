package dev.baton.examples;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr while an example runs (me.tongfei:progressbar), or nothing when turned
 * off. The bar has a fixed width ({@code COLUMNS} when set, else 80) so that the library never asks
 * the terminal for its size.
 *
 * <p>Threading: {@link #step()} may be called from any thread at once.
 */
final class Progress implements AutoCloseable {
  private static final Progress OFF = new Progress(null);

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * @param task the bar's label
   * @param total how many steps make 100%
   * @param show false for no bar at all
   * @param err where the bar is drawn
   * @return a started bar
   */
  static Progress start(String task, long total, boolean show, PrintStream err) {
    if (!show) {
      return OFF;
    }
    return new Progress(
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(200)
            .setConsumer(new ConsoleProgressBarConsumer(err, width()))
            .build());
  }

  private static int width() {
    try {
      String columns = System.getenv("COLUMNS");
      return columns == null ? 80 : Math.max(40, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** Advances the bar by one step. */
  void step() {
    if (bar != null) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
