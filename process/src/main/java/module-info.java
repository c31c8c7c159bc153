/**
 * Baton's process pool over worker JVMs: {@link dev.baton.process.ProcessPool}. The worker side and
 * the protocol live in a package this module does not export.
 */
module dev.baton.process {
  requires transitive dev.baton.core;
  requires org.slf4j;

  exports dev.baton.process;
}
