package dev.baton.cluster.forbidden;

import java.io.Serializable;

/** A serializable class on no allow-list: it must not be deserialized on either side. */
public final class Gadget implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What it carries. */
  public final int value;

  /**
   * @param value what it carries
   */
  public Gadget(int value) {
    this.value = value;
  }
}
