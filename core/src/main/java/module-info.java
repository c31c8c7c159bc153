/**
 * Baton's core: the contracts that hold the modules together ({@link dev.baton.core.Guard}, {@link
 * dev.baton.core.Blocking}), the object model ({@link dev.baton.core.object}) and timeline tracing
 * ({@link dev.baton.core.trace}). It names nothing of the modules above it: their mark kinds, lane
 * kinds and JFR events are declared in those modules.
 */
@SuppressWarnings("module") // dev.baton.gil is absent while this module builds on its own
module dev.baton.core {
  requires org.slf4j;

  exports dev.baton.core;
  exports dev.baton.core.object;
  exports dev.baton.core.trace;
  exports dev.baton.core.internal to
      dev.baton.gil;
}
