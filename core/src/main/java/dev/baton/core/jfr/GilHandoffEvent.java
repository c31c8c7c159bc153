package dev.baton.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A GIL passed from one thread to another: begun when the old holder released it, ended when the
 * new holder had it (the hand-off latency). Recorded from 0 ms by default; raise the threshold in a
 * JFR settings file to see only slow hand-offs.
 */
@Name("dev.baton.GilHandoff")
@Label("GIL Hand-off")
@Category({"Baton", "GIL"})
@Description("A GIL passed from one thread to another")
@Threshold("0 ms")
@StackTrace(false)
public final class GilHandoffEvent extends Event {
  /** The GIL runtime's name. */
  @Label("Runtime")
  public String runtime;

  /** The thread that released the GIL. */
  @Label("From Thread")
  public String fromThread;

  /** The thread that took it. */
  @Label("To Thread")
  public String toThread;

  /** Whether the release answered a drop request (a forced switch). */
  @Label("Forced")
  public boolean forced;
}
