package dev.baton.gil;

/**
 * A run under {@link GilSchedule#replay(ScheduleLog)} did not do what the log recorded: a thread
 * reached the logged hand-off at another call site or for another reason, stopped before it, or the
 * run ended with hand-offs of the log never reached. The message says which hand-off, which thread,
 * at which checkpoint count and site. The body replayed is not the one that was logged (or it
 * depends on something the schedule does not control: real I/O, time, another runtime).
 */
public final class ScheduleDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final long sequence;

  ScheduleDivergedException(long sequence, String message) {
    super(message);
    this.sequence = sequence;
  }

  /**
   * @return the sequence number of the logged hand-off where the run diverged
   */
  public long sequence() {
    return sequence;
  }
}
