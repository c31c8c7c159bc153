package dev.baton.eventloop;

/** What the loop calls when a registered channel is ready. Loop thread only. */
interface IoHandler {
  /**
   * Handles readiness; must not throw (failures go to the futures tasks await).
   *
   * @param readyOps the key's ready operations
   */
  void ready(int readyOps);
}
