package dev.baton.process.probe;

import dev.baton.process.PoolTask;

/**
 * A task that says which module the pool's API and the task itself were loaded in; in a package of
 * its own, since a class path class in a package of a named module would be hidden by it.
 */
public final class ModuleProbe implements PoolTask<String> {
  private static final long serialVersionUID = 1L;

  /** A probe. */
  public ModuleProbe() {}

  @Override
  public String call() {
    return PoolTask.class.getModule().getName() + " " + ModuleProbe.class.getModule().getName();
  }
}
