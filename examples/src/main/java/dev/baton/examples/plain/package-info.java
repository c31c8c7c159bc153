/**
 * The talk's programs in plain Java, with no Baton call at all: the {@code agent} example runs them
 * in child JVMs with and without {@code
 * -javaagent:baton-agent.jar=include=dev.baton.examples.plain.} and compares. Each is a {@code
 * main} that prints its figures on one line.
 *
 * <p>Threading: each program starts its own threads and joins them before it prints.
 */
package dev.baton.examples.plain;
