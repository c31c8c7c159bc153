package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Structured concurrency (asyncio's {@code TaskGroup}, Trio's nursery): {@link #run} runs a body
 * that starts child tasks, and returns only when every child is done. The first child failure
 * cancels the other children and the body; all failures are then thrown together as one {@link
 * TaskGroupException}. Cancelling the task that runs the group cancels the children too.
 *
 * <p>Threading: loop-only; {@link #run} must be called from a task.
 */
public final class TaskGroup {

  /**
   * The code that starts the group's children.
   *
   * @param <T> its result type
   */
  @FunctionalInterface
  public interface Body<T> {
    /**
     * @param group where to start children
     * @return the body's result
     * @throws Exception a failure of the body, aggregated with the children's
     */
    T run(TaskGroup group) throws Exception;
  }

  private final Task<?> parent;
  private final Set<Task<?>> children = new LinkedHashSet<>();
  private final List<Throwable> errors = new ArrayList<>();
  private boolean bodyDone;
  private boolean aborting;
  private boolean closed;
  private boolean cancelledParent;
  private Future<Void> joinWaiter;

  private TaskGroup(Task<?> parent) {
    this.parent = parent;
  }

  /**
   * Runs {@code body} and waits for every child it started.
   *
   * @param body starts children with {@link #createTask}
   * @param <T> the body's result type
   * @return the body's result, when neither it nor a child failed
   * @throws TaskGroupException with every failure (the body's and the children's)
   * @throws CancellationException if the task running the group was cancelled
   * @throws BatonMisuseException outside a task
   */
  public static <T> T run(Body<T> body) {
    Objects.requireNonNull(body, "body");
    TaskGroup group = new TaskGroup(Tasks.current("TaskGroup.run"));
    return group.runBody(body);
  }

  /**
   * Starts a child task of the group. Loop-only.
   *
   * @param name the child's name
   * @param child its code
   * @param <T> its result type
   * @return the child task
   * @throws BatonMisuseException if the group has already finished or is being aborted
   */
  public <T> Task<T> createTask(String name, TaskBody<T> child) {
    if (closed || aborting) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" started \""
              + name
              + "\" in the task group of "
              + parent
              + (closed
                  ? ", which has finished; start it inside the group's body, or with the loop's"
                      + " createTask"
                  : ", which is shutting down after a failure; the group is about to throw its"
                      + " TaskGroupException"));
    }
    Task<T> task = parent.loop.createTask(name, child);
    children.add(task);
    task.addDoneCallback(this::onChildDone);
    return task;
  }

  private <T> T runBody(Body<T> body) {
    T result = null;
    Throwable bodyError = null;
    try {
      result = body.run(this);
    } catch (Throwable e) {
      bodyError = e;
    }
    bodyDone = true;
    boolean externallyCancelled = false;
    if (bodyError != null) {
      if (!(bodyError instanceof CancellationException)) {
        errors.add(0, bodyError);
      }
      abort();
    }
    while (!children.isEmpty()) {
      joinWaiter = new Future<>(parent.loop);
      Tasks.awaitIgnoringCancellation(parent, joinWaiter);
      if (joinWaiter.isCancelled() && !aborting) {
        externallyCancelled = true;
        abort();
      }
    }
    closed = true;
    joinWaiter = null;
    boolean ourCancel = false;
    if (cancelledParent) {
      ourCancel = parent.uncancel() == 0;
    }
    if (!errors.isEmpty()) {
      throw new TaskGroupException(
          "task group of \""
              + parent.name()
              + "\" failed with "
              + errors.size()
              + " exception(s); the other children were cancelled",
          errors);
    }
    if (bodyError instanceof CancellationException c) {
      if (!ourCancel) {
        throw c;
      }
    } else if (externallyCancelled) {
      parent.throwIfCancelled();
      throw new CancellationException("task group of " + parent.name() + " cancelled");
    }
    return result;
  }

  private void onChildDone(Future<?> child) {
    children.remove((Task<?>) child);
    if (child.failedPlain()) {
      child.markRetrieved();
      errors.add(child.failurePlain());
      if (!aborting) {
        abort();
        if (!bodyDone) {
          cancelledParent = true;
          parent.cancel("a child of its task group failed");
        }
      }
    }
    if (children.isEmpty() && joinWaiter != null && joinWaiter.pendingPlain()) {
      joinWaiter.setResult(null);
    }
  }

  private void abort() {
    aborting = true;
    for (Task<?> t : List.copyOf(children)) {
      t.cancel("task group of " + parent.name() + " is shutting down");
    }
  }
}
