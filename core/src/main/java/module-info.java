/**
 * Baton's core: the contracts that hold the modules together ({@link dev.baton.core.Guard}, {@link
 * dev.baton.core.Blocking}), the object model ({@link dev.baton.core.object}), timeline tracing
 * ({@link dev.baton.core.trace}) and JFR events ({@link dev.baton.core.jfr}).
 */
module dev.baton.core {
  requires org.slf4j;
  requires static org.jctools.core;
  requires transitive jdk.jfr;

  exports dev.baton.core;
  exports dev.baton.core.object;
  exports dev.baton.core.trace;
  exports dev.baton.core.jfr;
}
