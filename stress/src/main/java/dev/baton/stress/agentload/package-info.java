/**
 * Plain-Java workloads of the agent proofs, loaded as the Baton agent rewrites them.
 *
 * <p>Threading: see each class.
 */
package dev.baton.stress.agentload;
