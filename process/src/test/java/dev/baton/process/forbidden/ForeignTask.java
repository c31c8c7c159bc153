package dev.baton.process.forbidden;

import dev.baton.process.PoolTask;

/** A task class in a package no pool allows: submitted code runs anyway, its data would not. */
public final class ForeignTask implements PoolTask<String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call() {
    return "ran " + getClass().getSimpleName();
  }

  /**
   * @return a lambda whose capturing class is in this package
   */
  public static PoolTask<String> lambda() {
    return () -> "ran a lambda of " + ForeignTask.class.getSimpleName();
  }
}
