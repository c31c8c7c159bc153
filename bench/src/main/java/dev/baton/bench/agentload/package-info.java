/**
 * Workloads of {@link dev.baton.bench.AgentBench}: plain Java, loaded once as compiled and once
 * through the Baton agent's rewrite.
 *
 * <p>Threading: stateless.
 */
package dev.baton.bench.agentload;
