/**
 * JMH benchmarks: every figure Baton claims, beside its peer, measured in the same run. See {@code
 * bench/README.md} for the method.
 */
package dev.baton.bench;
