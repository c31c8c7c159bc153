/** Baton's process pool over worker JVMs. */
module dev.baton.process {
  requires transitive dev.baton.core;
  requires org.slf4j;
}
