/**
 * The cluster pool's machinery: the scheduler ({@link dev.baton.cluster.internal.Dispatcher}) and
 * the roster of members it sends to ({@code MemberRoster}), the task and the batch as they travel
 * to a member ({@link dev.baton.cluster.internal.MemberTask}, {@link
 * dev.baton.cluster.internal.MemberBatch}), what a member applies to them, all of it its own
 * configuration ({@link dev.baton.cluster.internal.MemberRules}), the keys a cluster's secret gives
 * ({@link dev.baton.cluster.internal.ClusterKeys}), the gate that lets a member's executors run
 * Baton's tasks only ({@code TaskGate}), Hazelcast's logging one level down ({@link
 * dev.baton.cluster.internal.HazelcastLogging}) and the translation of settings into Hazelcast's
 * configuration ({@link dev.baton.cluster.internal.Settings}). Exported to Hazelcast only, which
 * instantiates the task types on the members and the logging by name.
 *
 * <p>Trust model: whoever decodes applies its own rules; a member checks a task's tag before it
 * decodes anything, and the caller checks an answer's tag before it decodes it. Without a secret
 * nothing is signed and everything stays on 127.0.0.1.
 */
package dev.baton.cluster.internal;
