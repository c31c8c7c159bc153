/**
 * The process pool's machinery: frames ({@link dev.baton.process.internal.Frame}), the compact
 * codec and the deserialization policy, the worker's main class, the parent's handle on a worker
 * and the dispatcher. See the {@code dev.baton.process} package documentation for the protocol and
 * the failure model.
 */
package dev.baton.process.internal;
