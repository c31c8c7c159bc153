/**
 * What instrumented bytecode calls at run time: {@link dev.baton.agent.runtime.Hooks} (its source
 * holds the design note) and the per-thread {@link dev.baton.agent.runtime.ThreadState}. Public
 * because instrumented classes in any package call it; not an API to call by hand.
 *
 * <p>Threading: each hook acts on the calling thread's own state.
 */
package dev.baton.agent.runtime;
