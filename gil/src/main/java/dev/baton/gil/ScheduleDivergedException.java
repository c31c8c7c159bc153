package dev.baton.gil;

/**
 * A run under {@link GilSchedule#replay(ScheduleLog)} did not do what the log recorded: a thread
 * reached the logged hand-off at another call site or for another reason, stopped before it, or the
 * run ended with hand-offs of the log never reached. Thrown by the replaying run where it diverged,
 * and returned by {@link GilSchedule#divergence()} afterwards. The message says which hand-off (its
 * sequence number), which thread, at which checkpoint count and site. The body replayed is not the
 * one that was logged (or it depends on something the schedule does not control: real I/O, time,
 * another runtime).
 */
public final class ScheduleDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message where the run diverged from the log
   */
  public ScheduleDivergedException(String message) {
    super(message);
  }

  /**
   * @param message where the run diverged from the log
   * @param cause the underlying failure
   */
  public ScheduleDivergedException(String message, Throwable cause) {
    super(message, cause);
  }
}
