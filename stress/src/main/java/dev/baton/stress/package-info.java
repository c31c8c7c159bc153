/**
 * jcstress proofs: races that must happen without a lock and must never happen with one.
 *
 * <p>Each test's Javadoc says which interleaving it looks for and what each outcome means. Run them
 * with {@code java -jar stress/target/jcstress.jar} (all) or {@code -t NAME}.
 *
 * <p>No class here may be named {@code Counter}: it would clash with {@code
 * org.openjdk.jcstress.util.Counter} in the generated harness.
 */
package dev.baton.stress;
