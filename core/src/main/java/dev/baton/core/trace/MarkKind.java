package dev.baton.core.trace;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * A kind of instant event ({@link Mark}): its name and the colour the diagrams draw it in.
 *
 * <p>Core declares only {@link #USER}; each module declares the kinds it records as constants of
 * its own (the GIL's drop requests and hand-offs, the event loop's slow callbacks, the pool's
 * worker lifecycle), so that core names nothing of the modules above it. A kind is registered once
 * per JVM by {@link #of(String, String)}: kinds compare by identity, and a name cannot be taken
 * twice. Kinds cross a process boundary (a worker's marks shipped to its parent) by {@link #name()}
 * and come back as the receiving JVM's kind of that name, see {@link #named(String)}.
 *
 * <p>Each kind also gets a small code, in the order of registration, that the tracer stores in its
 * ring buffers instead of a reference; the SVG exporter lists kinds in its legend in that order. At
 * most {@value #MAX_KINDS} kinds can be registered.
 *
 * <p>Threading: immutable; registration is thread-safe.
 */
public final class MarkKind {
  /** How many kinds a JVM can register: the codes above the span states that fit in a byte. */
  public static final int MAX_KINDS = Byte.MAX_VALUE + 1 - Tracer.MARK_BASE;

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** Registered kinds by code; written under the class lock, read by snapshots on any thread. */
  private static final AtomicReferenceArray<MarkKind> BY_CODE =
      new AtomicReferenceArray<>(MAX_KINDS);

  /** How many kinds are registered; guarded by the class lock. */
  private static int registered;

  /** A mark placed by user code. */
  public static final MarkKind USER = of("USER", "#1b2a80");

  private final String name;
  private final String displayName;
  private final String colour;
  private final byte code;

  private MarkKind(String name, String colour, byte code) {
    this.name = name;
    this.displayName = name.toLowerCase(Locale.ROOT).replace('_', ' ');
    this.colour = colour;
    this.code = code;
  }

  /**
   * Registers a new kind; a module calls it once per kind, for a {@code static final} constant.
   *
   * @param name upper case with underscores, e.g. {@code "GIL_HANDOFF"}; unique in the JVM
   * @param colour the diagrams' colour for it, {@code #rrggbb}
   * @return the kind
   * @throws IllegalArgumentException if the name is malformed or taken, or the colour malformed
   * @throws IllegalStateException if {@value #MAX_KINDS} kinds are already registered
   */
  public static synchronized MarkKind of(String name, String colour) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(colour, "colour");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "mark kind name \"" + name + "\" must be upper case letters, digits and underscores");
    }
    if (!colour.matches("#[0-9a-fA-F]{6}")) {
      throw new IllegalArgumentException(
          "mark kind colour \"" + colour + "\" must be of the form #rrggbb");
    }
    if (named(name) != null) {
      throw new IllegalArgumentException(
          "mark kind \""
              + name
              + "\" is already registered; declare each kind once, as a static final constant");
    }
    if (registered == MAX_KINDS) {
      throw new IllegalStateException(
          "cannot register mark kind \"" + name + "\": all " + MAX_KINDS + " codes are taken");
    }
    MarkKind kind = new MarkKind(name, colour, (byte) (Tracer.MARK_BASE + registered));
    BY_CODE.set(registered++, kind);
    return kind;
  }

  /**
   * @param name a kind's {@link #name()}
   * @return the kind registered in this JVM under that name, or null if none is (yet: a kind is
   *     registered when the class that declares it is initialised)
   */
  public static MarkKind named(String name) {
    for (int i = 0; i < MAX_KINDS; i++) {
      MarkKind kind = BY_CODE.get(i);
      if (kind == null) {
        return null;
      }
      if (kind.name.equals(name)) {
        return kind;
      }
    }
    return null;
  }

  /** The kind stored in a ring buffer under {@code code}, a value of {@link #code()}. */
  static MarkKind byCode(byte code) {
    return BY_CODE.get(code - Tracer.MARK_BASE);
  }

  /**
   * @return the kind's name, e.g. "GIL_HANDOFF", as written in exports' {@code data-kind} and
   *     {@code cat} fields
   */
  public String name() {
    return name;
  }

  /**
   * @return the kind's name in diagrams and exports, e.g. "gil handoff"
   */
  public String displayName() {
    return displayName;
  }

  /**
   * @return the diagrams' colour for this kind, {@code #rrggbb}
   */
  public String colour() {
    return colour;
  }

  /** The tracer's code for this kind: {@link Tracer#MARK_BASE} plus the registration index. */
  byte code() {
    return code;
  }

  @Override
  public String toString() {
    return name;
  }
}
