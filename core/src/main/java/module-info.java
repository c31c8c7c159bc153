/**
 * Baton's core: the contracts that hold the modules together ({@link dev.baton.core.Guard}, {@link
 * dev.baton.core.Blocking}) and, in later packages, the object model and tracing.
 */
module dev.baton.core {
  requires org.slf4j;
  requires static org.jctools.core;

  exports dev.baton.core;
  exports dev.baton.core.trace;
}
