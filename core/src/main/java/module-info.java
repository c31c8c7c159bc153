/**
 * Baton's core: the contracts that hold the modules together ({@link dev.baton.core.Guard}, {@link
 * dev.baton.core.Blocking}), the object model ({@link dev.baton.core.object}) and timeline tracing
 * ({@link dev.baton.core.trace}). It names nothing of the modules above it: their mark kinds, lane
 * kinds and JFR events are declared in those modules.
 */
module dev.baton.core {
  requires org.slf4j;

  exports dev.baton.core;
  exports dev.baton.core.object;
  exports dev.baton.core.trace;
}
