/** Baton's global interpreter lock and the runtime that ties it to an object space. */
module dev.baton.gil {
  requires transitive dev.baton.core;
  requires org.slf4j;
  requires java.management; // ThreadMXBean: a scheduled run's threads blocked outside it
  requires jdk.jfr;
  requires jdk.unsupported; // sun.misc.Signal (by reflection), for SIGINT as KeyboardInterrupt

  exports dev.baton.gil;
  exports dev.baton.gil.sched;
}
