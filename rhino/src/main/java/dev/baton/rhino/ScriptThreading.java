package dev.baton.rhino;

import dev.baton.gil.GilEvent;
import dev.baton.gil.GilLock;
import dev.baton.gil.GilQueue;
import dev.baton.gil.GilThreads;
import java.time.Duration;
import java.util.Arrays;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.LambdaConstructor;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.ScriptRuntime;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * The {@code threading} global: Python's {@code threading} and {@code queue}, for scripts, each
 * backed by one of Baton's GIL-aware primitives so that a script that waits gives the GIL up for
 * the wait, as CPython's do.
 *
 * <pre>{@code
 * var t = threading.start(work, 1, 2)  // threading.Thread(target=work, args=(1, 2)).start()
 * t.join()  t.join(seconds)            // GilThreads.join; the timed form returns whether it ended
 * t.name  t.isAlive()  t.error()       // error(): the exception that ended it, as text, or undefined
 * threading.sleep(seconds)             // time.sleep: GilThreads.sleep; sleep(0) yields the GIL
 * var lock = new threading.Lock()      // GilLock: acquire() acquire(seconds) release() locked()
 *                                      //   (lock, tryLock, unlock, isLocked)
 * var ev = new threading.Event()       // GilEvent: set() clear() isSet() wait() wait(seconds)
 *                                      //   (set, clear, isSet, await)
 * var q = new threading.Queue(maxsize) // GilQueue: put(v) put(v, seconds) get() get(seconds) qsize() empty()
 *                                      //   (put, offer, take, poll, size, isEmpty)
 * }</pre>
 *
 * <p>The names scripts see are Python's, as this is Python's {@code threading} and {@code queue}
 * for scripts; the Java methods they call are named as java.util.concurrent's (in parentheses
 * above).
 *
 * <p>Every function and method runs on the calling script thread, which holds the GIL; each is a
 * checkpoint of it, and each wait releases it (see {@link dev.baton.gil}). Timeouts are in seconds,
 * as in Python; a negative or non-numeric one is a {@code TypeError}. A timed {@code get} or {@code
 * put} that gives up throws an {@code Error} whose message starts with {@code queue.Empty} or
 * {@code queue.Full}; joining the current thread is an {@code Error} too, as in Python. An
 * interrupt while waiting throws an {@code Error}, with the thread's interrupt status kept. Misuse
 * of a primitive (releasing a lock nobody holds) throws the primitive's {@link
 * dev.baton.core.BatonMisuseException}, which scripts cannot catch.
 *
 * <p>A started thread is a thread of the factory's runtime (so {@link
 * dev.baton.gil.GilRuntime#close()} waits for it): it calls {@code target} with the arguments in
 * the scope that defined {@code threading}, which all script threads share. An exception that ends
 * it goes to the runtime's uncaught-exception handler (logged by default), as Python's {@code
 * threading.excepthook}, and the GIL is released; {@code error()} gives its message.
 */
final class ScriptThreading {
  private ScriptThreading() {}

  /**
   * @param factory the factory whose contexts the threads use
   * @param cx the current context
   * @param scope the shared top-level scope
   * @return the {@code threading} object
   */
  static Scriptable create(GilContextFactory factory, Context cx, ScriptableObject scope) {
    Scriptable threading = cx.newObject(scope);

    LambdaConstructor thread =
        new LambdaConstructor(
            scope,
            "Thread",
            1,
            LambdaConstructor.CONSTRUCTOR_NEW,
            (c, s, args) -> ThreadObject.start(factory, scope, args));
    thread.definePrototypeMethod(
        scope, "join", 1, (c, s, self, args) -> self(self, ThreadObject.class).join(args));
    thread.definePrototypeMethod(
        scope, "isAlive", 0, (c, s, self, args) -> self(self, ThreadObject.class).thread.isAlive());
    thread.definePrototypeMethod(
        scope, "error", 0, (c, s, self, args) -> self(self, ThreadObject.class).error());
    define(
        threading,
        new LambdaFunction(scope, "start", 1, (c, s, self, args) -> thread.construct(c, s, args)));

    define(
        threading,
        new LambdaFunction(
            scope,
            "sleep",
            1,
            (c, s, self, args) -> {
              Duration duration = seconds(args, 0, "threading.sleep");
              if (duration == null) {
                throw ScriptRuntime.typeError("threading.sleep(seconds): seconds is required");
              }
              try {
                GilThreads.sleep(duration);
              } catch (InterruptedException e) {
                throw interrupted("threading.sleep");
              }
              return Undefined.instance;
            }));

    LambdaConstructor lock =
        new LambdaConstructor(scope, "Lock", 0, (c, s, args) -> new LockObject());
    lock.definePrototypeMethod(
        scope, "acquire", 1, (c, s, self, args) -> self(self, LockObject.class).acquire(args));
    lock.definePrototypeMethod(
        scope,
        "release",
        0,
        (c, s, self, args) -> {
          self(self, LockObject.class).lock.unlock();
          return Undefined.instance;
        });
    lock.definePrototypeMethod(
        scope, "locked", 0, (c, s, self, args) -> self(self, LockObject.class).lock.isLocked());
    define(threading, lock);

    LambdaConstructor event =
        new LambdaConstructor(scope, "Event", 0, (c, s, args) -> new EventObject());
    event.definePrototypeMethod(
        scope,
        "set",
        0,
        (c, s, self, args) -> {
          self(self, EventObject.class).event.set();
          return Undefined.instance;
        });
    event.definePrototypeMethod(
        scope,
        "clear",
        0,
        (c, s, self, args) -> {
          self(self, EventObject.class).event.clear();
          return Undefined.instance;
        });
    event.definePrototypeMethod(
        scope, "isSet", 0, (c, s, self, args) -> self(self, EventObject.class).event.isSet());
    event.definePrototypeMethod(
        scope, "wait", 1, (c, s, self, args) -> self(self, EventObject.class).await(args));
    define(threading, event);

    LambdaConstructor queue =
        new LambdaConstructor(scope, "Queue", 1, (c, s, args) -> new QueueObject(args));
    queue.definePrototypeMethod(
        scope, "put", 2, (c, s, self, args) -> self(self, QueueObject.class).put(args));
    queue.definePrototypeMethod(
        scope, "get", 1, (c, s, self, args) -> self(self, QueueObject.class).get(args));
    queue.definePrototypeMethod(
        scope, "qsize", 0, (c, s, self, args) -> self(self, QueueObject.class).queue.size());
    queue.definePrototypeMethod(
        scope, "empty", 0, (c, s, self, args) -> self(self, QueueObject.class).queue.isEmpty());
    define(threading, queue);
    return threading;
  }

  private static void define(Scriptable target, LambdaFunction function) {
    ScriptableObject.defineProperty(
        target, function.getFunctionName(), function, ScriptableObject.DONTENUM);
  }

  private static <T> T self(Scriptable thisObj, Class<T> type) {
    return LambdaConstructor.convertThisObject(thisObj, type);
  }

  /**
   * @return {@code args[index]} as a duration in seconds, or null when it is absent or undefined
   * @throws org.mozilla.javascript.EcmaError a {@code TypeError} if it is not a number of zero or
   *     more seconds
   */
  static Duration seconds(Object[] args, int index, String function) {
    if (args.length <= index || args[index] == Undefined.instance) {
      return null;
    }
    double seconds = Context.toNumber(args[index]);
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw ScriptRuntime.typeError(
          function
              + ": the timeout must be a finite number of seconds, zero or more; got "
              + Context.toString(args[index]));
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /** The calling thread, as give-up messages name it. */
  static String me() {
    return "thread \"" + Thread.currentThread().getName() + "\"";
  }

  /** An {@code Error} for a wait that was interrupted; keeps the interrupt status. */
  static RhinoException interrupted(String what) {
    Thread.currentThread().interrupt();
    return ScriptRuntime.constructError("Error", what + ": " + me() + " was interrupted");
  }

  /** What {@code threading.start} returns. */
  static final class ThreadObject extends ScriptableObject {
    /** Written once by the starting thread, under the GIL, before a script can see this object. */
    Thread thread;

    /**
     * The exception or error that ended the thread; written by it before it ends, read after a
     * join.
     */
    volatile Throwable failure;

    static ThreadObject start(GilContextFactory factory, Scriptable scope, Object[] args) {
      if (args.length == 0 || !(args[0] instanceof Function target)) {
        throw ScriptRuntime.typeError(
            "threading.start(target, ...args): target must be a function, got "
                + (args.length == 0 ? "nothing" : Context.toString(args[0])));
      }
      Object[] rest = Arrays.copyOfRange(args, 1, args.length);
      ThreadObject self = new ThreadObject();
      String name = factory.nextThreadName();
      self.defineProperty("name", name, READONLY);
      self.thread =
          factory
              .runtime()
              .startThread(
                  name,
                  () -> {
                    Thread me = Thread.currentThread();
                    factory.scriptThread(me, true);
                    try {
                      factory.call(cx -> target.call(cx, scope, scope, rest));
                    } catch (GilContextFactory.ScriptThreadEnded ended) {
                      self.failure = ended; // told to end by a bounded close: not a failure
                    } catch (Throwable e) {
                      self.failure = e; // an Error too: a stack overflow, an out-of-memory
                      throw e;
                    } finally {
                      factory.scriptThread(me, false);
                    }
                  });
      return self;
    }

    Object join(Object[] args) {
      Duration timeout = seconds(args, 0, "Thread.join");
      if (thread == Thread.currentThread()) {
        throw ScriptRuntime.constructError(
            "Error", "Thread.join: thread \"" + thread.getName() + "\" cannot join itself");
      }
      try {
        if (timeout == null) {
          GilThreads.join(thread);
          return true;
        }
        return GilThreads.join(thread, timeout);
      } catch (InterruptedException e) {
        throw interrupted("Thread.join");
      }
    }

    Object error() {
      Throwable e = failure;
      if (e == null) {
        return Undefined.instance;
      }
      return e instanceof RhinoException rhino ? rhino.details() : e.toString();
    }

    @Override
    public String getClassName() {
      return "Thread";
    }
  }

  /** What {@code new threading.Lock()} returns. */
  static final class LockObject extends ScriptableObject {
    final GilLock lock = new GilLock();

    Object acquire(Object[] args) {
      Duration timeout = seconds(args, 0, "Lock.acquire");
      try {
        if (timeout == null) {
          lock.lock();
          return true;
        }
        return lock.tryLock(timeout);
      } catch (InterruptedException e) {
        throw interrupted("Lock.acquire");
      }
    }

    @Override
    public String getClassName() {
      return "Lock";
    }
  }

  /** What {@code new threading.Event()} returns. */
  static final class EventObject extends ScriptableObject {
    final GilEvent event = new GilEvent();

    Object await(Object[] args) {
      Duration timeout = seconds(args, 0, "Event.wait");
      try {
        if (timeout == null) {
          event.await();
          return true;
        }
        return event.await(timeout);
      } catch (InterruptedException e) {
        throw interrupted("Event.wait");
      }
    }

    @Override
    public String getClassName() {
      return "Event";
    }
  }

  /** What {@code new threading.Queue(maxsize)} returns. */
  static final class QueueObject extends ScriptableObject {
    /** Stands for JavaScript's {@code null} in the queue, which holds no Java null. */
    private static final Object NULL = new Object();

    final GilQueue<Object> queue;

    QueueObject(Object[] args) {
      double maxsize =
          args.length == 0 || args[0] == Undefined.instance ? 0 : Context.toNumber(args[0]);
      if (!(maxsize >= 0) || maxsize > Integer.MAX_VALUE || maxsize != Math.floor(maxsize)) {
        throw ScriptRuntime.typeError(
            "new threading.Queue(maxsize): maxsize must be a whole number, zero (unbounded) or"
                + " more; got "
                + Context.toString(args[0]));
      }
      queue = new GilQueue<>((int) maxsize);
    }

    Object put(Object[] args) {
      Object item = args.length == 0 ? Undefined.instance : args[0] == null ? NULL : args[0];
      Duration timeout = seconds(args, 1, "Queue.put");
      try {
        if (timeout == null) {
          queue.put(item);
        } else if (!queue.offer(item, timeout)) {
          throw ScriptRuntime.constructError(
              "Error", "queue.Full: no room in " + queue + " within " + timeout + " for " + me());
        }
        return Undefined.instance;
      } catch (InterruptedException e) {
        throw interrupted("Queue.put");
      }
    }

    Object get(Object[] args) {
      Duration timeout = seconds(args, 0, "Queue.get");
      try {
        Object item = timeout == null ? queue.take() : queue.poll(timeout);
        if (item == null) {
          throw ScriptRuntime.constructError(
              "Error", "queue.Empty: no item in " + queue + " within " + timeout + " for " + me());
        }
        return item == NULL ? null : item;
      } catch (InterruptedException e) {
        throw interrupted("Queue.get");
      }
    }

    @Override
    public String getClassName() {
      return "Queue";
    }
  }
}
