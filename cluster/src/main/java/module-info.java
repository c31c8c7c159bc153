/**
 * Baton's pool on a Hazelcast cluster: {@link dev.baton.cluster.ClusterPool}, the {@link
 * dev.baton.process.Pool} API over cluster members. Extends baton-process, whose task types, codec
 * and allow-list it reuses; nothing of Baton's library depends on it.
 */
module dev.baton.cluster {
  requires transitive dev.baton.process;
  requires com.hazelcast.core;
  requires org.slf4j;
  requires java.logging; // Hazelcast's logger interface speaks java.util.logging levels

  exports dev.baton.cluster;
  exports dev.baton.cluster.internal to
      com.hazelcast.core;
}
