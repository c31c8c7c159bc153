/**
 * The process pool's machinery: frames ({@link dev.baton.process.internal.Frame}), the compact
 * codec and the deserialization policy, the worker's main class, the parent's handle on a worker
 * and the dispatcher. See the {@code dev.baton.process} package documentation for the protocol and
 * the failure model.
 *
 * <p>The scheduling skeleton both pools share lives here too, and is exported to the cluster
 * module: {@link dev.baton.process.internal.PoolScheduler} (queue, lock, callback threads, life
 * cycle, a task's fate when its holder lets go), {@link dev.baton.process.internal.PoolJob}, {@link
 * dev.baton.process.internal.Completions}, {@link dev.baton.process.internal.TaskFate} and {@link
 * dev.baton.process.internal.CallDeadline}; {@link dev.baton.process.internal.PoolEngine} is the
 * process pool's scheduler, the cluster's {@code Dispatcher} the other.
 */
package dev.baton.process.internal;
