package dev.baton.gil.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A thread that waited for a GIL longer than the switch interval asked its holder to drop it
 * (CPython's {@code gil_drop_request}). An instant event: commit it without begin/end.
 */
@Name("dev.baton.DropRequest")
@Label("GIL Drop Request")
@Category({"Baton", "GIL"})
@Description("A waiter asked the GIL's holder to drop it")
@StackTrace(false)
public final class DropRequestEvent extends Event {
  /** The GIL runtime's name. */
  @Label("Runtime")
  public String runtime;

  /** The waiting thread that asked. */
  @Label("Requester")
  public String requester;

  /** The thread holding the GIL, or null if unknown. */
  @Label("Holder")
  public String holder;

  /** How long the holder had held the GIL when it was asked; 0 when the GIL does not time holds. */
  @Label("Held For")
  @Timespan(Timespan.NANOSECONDS)
  public long heldFor;
}
