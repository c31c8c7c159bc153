package dev.baton.core.object;

import java.util.Objects;

/**
 * An immortal object (PEP 683): {@link #incref()} and {@link #decref()} do nothing, {@link
 * #refCount()} reports {@link RcObject#IMMORTAL_REFCOUNT}, it is never deallocated, and it belongs
 * to no space, so any thread of any runtime may use it without a guard. Its value is an immutable
 * Java value.
 *
 * <p>CPython's {@code None}, {@code True}, {@code False} and small integers (-5 to 256) are
 * provided; {@link #declare(String, Object)} makes others.
 */
public final class RcImmortal extends RcObject {

  /** CPython's {@code None}; its value is the string "None". */
  public static final RcImmortal NONE = new RcImmortal("NoneType", "None");

  /** CPython's {@code True}. */
  public static final RcImmortal TRUE = new RcImmortal("bool", Boolean.TRUE);

  /** CPython's {@code False}. */
  public static final RcImmortal FALSE = new RcImmortal("bool", Boolean.FALSE);

  /** Smallest cached small integer, as in CPython. */
  public static final int SMALL_INT_MIN = -5;

  /** Largest cached small integer, as in CPython. */
  public static final int SMALL_INT_MAX = 256;

  private static final RcImmortal[] SMALL_INTS = new RcImmortal[SMALL_INT_MAX - SMALL_INT_MIN + 1];

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) {
      SMALL_INTS[i] = new RcImmortal("int", SMALL_INT_MIN + i);
    }
  }

  private final String typeName;
  private final Object value;

  private RcImmortal(String typeName, Object value) {
    this.typeName = typeName;
    this.value = value;
  }

  /**
   * @param value an integer from {@value #SMALL_INT_MIN} to {@value #SMALL_INT_MAX}
   * @return the one immortal for it
   * @throws IllegalArgumentException if {@code value} is out of that range
   */
  public static RcImmortal smallInt(int value) {
    if (value < SMALL_INT_MIN || value > SMALL_INT_MAX) {
      throw new IllegalArgumentException(
          "value must be a small int from "
              + SMALL_INT_MIN
              + " to "
              + SMALL_INT_MAX
              + ", got "
              + value);
    }
    return SMALL_INTS[value - SMALL_INT_MIN];
  }

  /**
   * Declares a new immortal, for values shared by every runtime (interned names, constants).
   *
   * @param typeName the type's name for messages
   * @param value an immutable value: any thread may read it at any time
   * @return the immortal
   * @throws NullPointerException if an argument is null
   */
  public static RcImmortal declare(String typeName, Object value) {
    return new RcImmortal(
        Objects.requireNonNull(typeName, "typeName"), Objects.requireNonNull(value, "value"));
  }

  /**
   * @return the immutable value
   */
  public Object value() {
    return value;
  }

  @Override
  protected String typeName() {
    return typeName;
  }

  @Override
  public String toString() {
    return typeName + "(" + value + ", immortal)";
  }
}
