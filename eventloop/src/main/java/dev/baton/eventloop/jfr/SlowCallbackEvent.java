package dev.baton.eventloop.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * An event-loop callback (or a task's step) ran without yielding for longer than the threshold, 100
 * ms by default like asyncio's {@code slow_callback_duration}: every other callback waited.
 */
@Name("dev.baton.SlowCallback")
@Label("Slow Event-Loop Callback")
@Category({"Baton", "Event Loop"})
@Description("A callback blocked its event loop")
@Threshold("100 ms")
@StackTrace(false)
public final class SlowCallbackEvent extends Event {
  /** The loop's name. */
  @Label("Loop")
  public String loop;

  /** The callback or task that ran. */
  @Label("Callback")
  public String callback;
}
