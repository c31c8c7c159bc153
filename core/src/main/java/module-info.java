/**
 * Baton's core: the contracts that hold the modules together ({@link dev.baton.core.Guard}, {@link
 * dev.baton.core.Blocking}), timeline tracing ({@link dev.baton.core.trace}), JFR events ({@link
 * dev.baton.core.jfr}) and, in later packages, the object model.
 */
module dev.baton.core {
  requires org.slf4j;
  requires static org.jctools.core;
  requires transitive jdk.jfr;

  exports dev.baton.core;
  exports dev.baton.core.trace;
  exports dev.baton.core.jfr;
}
