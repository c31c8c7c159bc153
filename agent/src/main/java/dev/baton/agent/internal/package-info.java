/**
 * The agent's internals: option parsing ({@link dev.baton.agent.internal.AgentOptions}), the class
 * filter, the table of blocking JDK calls and the bytecode rewrite ({@link
 * dev.baton.agent.internal.ClassInstrumenter}, whose source holds the design note).
 *
 * <p>Threading: the class file transformer may run on any thread, concurrently; these classes keep
 * no mutable state but a concurrent cache.
 */
package dev.baton.agent.internal;
