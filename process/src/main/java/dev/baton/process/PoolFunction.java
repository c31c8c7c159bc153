package dev.baton.process;

import java.io.Serializable;

/**
 * A serializable one-argument function applied in a worker JVM by {@link ProcessPool#map}, {@link
 * ProcessPool#imap} and {@link ProcessPool#imapUnordered}.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface PoolFunction<A, R> extends Serializable {
  /**
   * Runs in a worker.
   *
   * @param argument one item
   * @return its result
   * @throws Exception reaches the caller as a {@link RemoteTaskException}
   */
  R apply(A argument) throws Exception;
}
