package dev.baton.stress;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What {@link Proof} requires of a jcstress test: that its race outcome is observed ({@link
 * Race#MUST}) or never observed ({@link Race#NEVER}).
 *
 * <p>The race outcomes of a test are the ones its {@code @Outcome}s grade {@code
 * ACCEPTABLE_INTERESTING} (in a test that must race) or {@code FORBIDDEN} (in a test that must
 * never race).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Expects {
  /**
   * @return whether the race must or must never be seen
   */
  Race value();

  /** The two verdicts a proof can require. */
  enum Race {
    /** The unguarded variant: the lost update must be observed, or the test proves nothing. */
    MUST,
    /** The guarded variant: the lost update must never be observed. */
    NEVER
  }
}
