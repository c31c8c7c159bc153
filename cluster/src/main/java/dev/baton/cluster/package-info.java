/**
 * The process pool's API on a Hazelcast cluster: {@link dev.baton.cluster.ClusterPool} implements
 * {@link dev.baton.process.Pool}, so code moves between worker JVMs of one machine and members of a
 * cluster by changing the line that builds the pool. {@link dev.baton.cluster.ClusterMember} starts
 * the members (in this JVM, or forked as {@link dev.baton.cluster.ForkedMember}).
 *
 * <p>The semantics (scheduling, at-most-once and at-least-once on a lost member, the codec and the
 * allow-list, trust) are stated on {@link dev.baton.cluster.ClusterPool}; the scheduler's design is
 * in {@code dev.baton.cluster.internal.Dispatcher}. Threading: every public method may be called
 * from any thread; every wait runs inside {@link dev.baton.core.Blocking#call}.
 */
package dev.baton.cluster;
