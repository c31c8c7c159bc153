/**
 * Mozilla Rhino scripts under a Baton GIL runtime: {@link dev.baton.rhino.GilContextFactory}, and
 * the {@code threading} and {@code io} globals it gives scripts.
 */
module dev.baton.rhino {
  requires transitive dev.baton.gil;
  requires transitive org.mozilla.rhino;
  requires java.net.http;

  exports dev.baton.rhino;
}
