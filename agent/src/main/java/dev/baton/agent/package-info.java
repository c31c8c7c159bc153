/**
 * The Baton agent: CPython's GIL for unmodified Java code, with one JVM flag.
 *
 * <p>{@link dev.baton.agent.BatonAgent} is the entry point and its Javadoc the user's view. The
 * design is written once, where it is implemented: when a thread takes and leaves the GIL, how
 * monitors avoid deadlock and how blocking calls release it in {@link
 * dev.baton.agent.runtime.Hooks}; what is rewritten in {@link
 * dev.baton.agent.internal.ClassInstrumenter}; which JDK calls count as blocking in {@code
 * BlockingCalls}.
 *
 * <p>Threading: the agent's state is per thread ({@link dev.baton.agent.runtime.ThreadState}); the
 * few shared words its checkpoints read are described, with their invariants, in {@code Hooks}.
 */
package dev.baton.agent;
