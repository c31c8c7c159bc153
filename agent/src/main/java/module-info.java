/**
 * Baton's Java agent: checkpoints and release on I/O inserted into unmodified bytecode. It runs
 * from the class path ({@code -javaagent}); the runtime package is exported because instrumented
 * classes call it.
 */
module dev.baton.agent {
  requires transitive dev.baton.gil;
  requires org.slf4j;
  requires java.management;
  requires transitive java.instrument;

  exports dev.baton.agent;
  exports dev.baton.agent.runtime;
}
