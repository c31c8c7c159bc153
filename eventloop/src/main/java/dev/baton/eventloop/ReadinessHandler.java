package dev.baton.eventloop;

/**
 * What the loop calls when a channel registered through {@link IoHandler#register} is ready: the
 * per-channel side of the I/O layer (a {@link Connection} or a {@link Server}). Loop thread only.
 */
@FunctionalInterface
interface ReadinessHandler {
  /**
   * Handles readiness; must not throw (failures go to the futures tasks await). Whatever it throws
   * anyway is logged and the loop goes on.
   *
   * @param readyOps the key's ready operations
   */
  void ready(int readyOps);
}
