package dev.baton.agent.runtime;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;

/**
 * One thread's standing with the agent's GIL: whether included code is on its stack, how many
 * monitors it holds, and the blocking section it may be in. The slow paths of {@link Hooks} look it
 * up; instrumented methods with monitors or blocking calls keep it in a local variable and hand it
 * to the hooks, and never read it.
 *
 * <p>Threading: every field is confined to the owning thread.
 */
public final class ThreadState {
  /** The owning thread. */
  final Thread thread = Thread.currentThread();

  /** Whether a frame of included code on this thread's stack attached it (the outermost one). */
  boolean attached;

  /** Monitors entered by included code (and class initialisations running) on this thread. */
  int monitors;

  /** Open blocking sections of {@link #handler}; the GIL is released while it is above 0. */
  int sections;

  /** The GIL the thread's checkpoints pass, or null while detached. */
  Gil gil;

  /** The token of the agent's runtime while attached through it; null otherwise. */
  GilRuntime.Ensured ensured;

  /** The blocking handler the thread had when it attached (its runtime's), or null. */
  BlockingHandler inner;

  /** The registration of {@link #section} on top of {@link #inner}. */
  Blocking.Registration registration;

  /** Whether the open section was counted in {@link Hooks#releasedMonitorHolders}. */
  boolean countedOut;

  /** Whether a monitor enter in progress released the GIL. */
  boolean monitorReleased;

  /** Whether the last look at the thread's stack found a monitor of code that is not included. */
  boolean otherMonitor;

  /** When {@link #otherMonitor} was found, in {@link System#nanoTime()}. */
  long otherMonitorCheckedAt;

  /** Whether a JDK wait's hook is deciding, so that a wait inside that decision passes through. */
  boolean inJdkWait;

  /** Start of the open inline section, for the trace. */
  long sectionStart;

  /** The handler installed on this thread while attached; created once. */
  final SectionHandler section = new SectionHandler(this);

  ThreadState() {}

  /** The thread's blocking handler while attached: counts sections, delegates to the runtime's. */
  static final class SectionHandler implements BlockingHandler {
    private final ThreadState state;

    SectionHandler(ThreadState state) {
      this.state = state;
    }

    @Override
    public void enter() {
      ThreadState s = state;
      if (s.sections++ == 0) {
        Hooks.leaveFastPath(s);
        if (s.monitors > 0) {
          Hooks.releasedMonitorHolders.incrementAndGet();
          s.countedOut = true;
        }
        s.inner.enter();
      }
    }

    @Override
    public void exit() {
      ThreadState s = state;
      if (s.sections == 1) {
        // still counted as in a section while it waits for the GIL, so that the JDK waits inside
        // that wait pass through Hooks.jdkWaitBegin untouched
        try {
          s.inner.exit();
        } finally {
          s.sections = 0;
          if (s.countedOut) {
            s.countedOut = false;
            Hooks.releasedMonitorHolders.decrementAndGet();
          }
        }
      } else {
        s.sections--;
      }
    }

    @Override
    public String toString() {
      return "AgentSection[" + state.inner + "]";
    }
  }
}
