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
 * <p>Failure model: no run hangs the exploration. A wait on the runtime's own primitives, joins and
 * sleeps is the schedule's, so one nobody can end is a deadlock the run reports ({@link
 * dev.baton.gil.GilSchedule#deadlock()}). A thread that blocks outside the schedule (a monitor, a
 * {@code java.util.concurrent} lock, real I/O) ends its run as a failure that says "blocked outside
 * the schedule" with the thread's stack ({@link dev.baton.gil.GilSchedule#blocked()}): at once when
 * the JVM's lock graph proves it can never go on, otherwise after the run's blocking budget ({@link
 * dev.baton.gil.sched.Explorer#blockingBudget(java.time.Duration)}); its threads are interrupted
 * and abandoned, and the exploration stops there or, with {@link
 * dev.baton.gil.sched.Explorer#skipBlockedRuns()}, goes on with the next seed.
 *
 * <p>Threading: an {@code Explorer} is immutable; each of its runs builds a fresh runtime on the
 * calling thread, one run at a time.
 */
package dev.baton.gil.sched;
