package dev.baton.gil.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A thread waited for a GIL: begun when it found the GIL taken, ended when it got it. Recorded
 * above 1 ms by default.
 *
 * <pre>{@code
 * GilWaitEvent event = new GilWaitEvent();
 * event.begin();
 * ... wait ...
 * event.end();
 * if (event.shouldCommit()) {
 *   event.runtime = name;
 *   event.holder = holderName;
 *   event.commit();
 * }
 * }</pre>
 */
@Name("dev.baton.GilWait")
@Label("GIL Wait")
@Category({"Baton", "GIL"})
@Description("A thread waited to take a GIL")
@Threshold("1 ms")
@StackTrace(false)
public final class GilWaitEvent extends Event {
  /** The GIL runtime's name. */
  @Label("Runtime")
  public String runtime;

  /** The thread that held the GIL when the wait began, or null. */
  @Label("Holder")
  public String holder;
}
