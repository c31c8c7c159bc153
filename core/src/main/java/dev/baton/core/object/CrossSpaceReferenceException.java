package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;

/**
 * An object of one space was to be stored in a container of another. Spaces do not share objects,
 * as CPython's interpreters do not: each space's counts are guarded by its own guard (its runtime's
 * GIL), so a reference across spaces could neither be counted nor released safely. Only immortals
 * are shared. The container is left unchanged; the message names both objects, both spaces and the
 * thread.
 */
public class CrossSpaceReferenceException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public CrossSpaceReferenceException(String message) {
    super(message);
  }
}
