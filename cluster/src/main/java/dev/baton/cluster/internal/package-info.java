/**
 * The cluster pool's machinery: the scheduler ({@link dev.baton.cluster.internal.Dispatcher}), the
 * task as it travels to a member ({@link dev.baton.cluster.internal.MemberTask}) and the
 * translation of settings into Hazelcast's configuration ({@link
 * dev.baton.cluster.internal.Settings}). Exported to Hazelcast only, which instantiates {@code
 * MemberTask} on the members.
 */
package dev.baton.cluster.internal;
