package dev.baton.gil.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A GIL passed from one thread to a waiting one. An instant event committed by the new holder as it
 * starts running; {@code latency} is the time from the release (or the direct grant) to that
 * moment, the hand-off cost that the convoy effect multiplies.
 */
@Name("dev.baton.GilHandoff")
@Label("GIL Hand-off")
@Category({"Baton", "GIL"})
@Description("A GIL passed from one thread to another")
@StackTrace(false)
public final class GilHandoffEvent extends Event {
  /** The GIL runtime's name. */
  @Label("Runtime")
  public String runtime;

  /** The thread that released or granted the GIL, or null if unknown. */
  @Label("From Thread")
  public String fromThread;

  /** The thread that took it. */
  @Label("To Thread")
  public String toThread;

  /** From the release to the new holder running. */
  @Label("Latency")
  @Timespan(Timespan.NANOSECONDS)
  public long latency;
}
