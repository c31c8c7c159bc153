/**
 * Baton's process pool over worker JVMs: {@link dev.baton.process.ProcessPool}, and {@link
 * dev.baton.process.Pool}, the API it shares with the cluster pool. The worker side and the
 * protocol live in a package this module exports only to the cluster pool, which ships tasks in the
 * same codec under the same allow-list.
 */
@SuppressWarnings("module") // dev.baton.cluster is absent while this module builds on its own
module dev.baton.process {
  requires transitive dev.baton.core;
  requires org.slf4j;
  requires jdk.jfr;

  exports dev.baton.process;
  exports dev.baton.process.internal to
      dev.baton.cluster;
}
