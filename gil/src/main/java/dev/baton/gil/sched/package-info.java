/**
 * Finding races among the schedules a GIL can produce, and showing them again.
 *
 * <p>Under a GIL a thread loses the processor only at its checkpoints and blocking sections, so a
 * run's schedule is a short list of hand-offs: {@link dev.baton.gil.GilSchedule} decides them from
 * a seed (uniform random or PCT) or from a {@link dev.baton.gil.ScheduleLog}, which replays a run
 * exactly. {@link dev.baton.gil.sched.Explorer} runs a test body under many seeds until a check
 * fails and shrinks the failing schedule to the fewest hand-offs; {@link
 * dev.baton.gil.sched.TracedCell} records labelled reads and writes, so that a failing schedule
 * renders as the talk's race table. The scheduling itself is designed in the gil package's {@code
 * DeterministicSync}.
 *
 * <p>Threading: an {@code Explorer} is immutable; each of its runs builds a fresh runtime on the
 * calling thread, one run at a time.
 */
package dev.baton.gil.sched;
