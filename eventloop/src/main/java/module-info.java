/** Baton's single-threaded cooperative event loop. */
module dev.baton.eventloop {
  requires transitive dev.baton.core;
  requires org.slf4j;
  requires jdk.jfr;
  requires org.jctools.core;

  exports dev.baton.eventloop;
}
