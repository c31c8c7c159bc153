package dev.baton.process;

import java.io.Serializable;

/**
 * A serializable two-argument function applied in a worker JVM by {@link ProcessPool#starmap}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface PoolBiFunction<A, B, R> extends Serializable {
  /**
   * Runs in a worker.
   *
   * @param first the pair's first element
   * @param second the pair's second element
   * @return the result
   * @throws Exception reaches the caller as a {@link RemoteTaskException}
   */
  R apply(A first, B second) throws Exception;
}
