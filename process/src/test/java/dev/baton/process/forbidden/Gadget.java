package dev.baton.process.forbidden;

import java.io.Serializable;

/** A serializable class on the class path that no pool allows unless told to. */
public final class Gadget implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A payload to check it arrived whole. */
  public final int value;

  /**
   * @param value the payload
   */
  public Gadget(int value) {
    this.value = value;
  }
}
