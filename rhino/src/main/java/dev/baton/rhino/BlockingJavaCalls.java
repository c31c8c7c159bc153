package dev.baton.rhino;

import dev.baton.core.Blocking;
import java.io.InputStream;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.channels.ReadableByteChannel;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import org.mozilla.javascript.BaseFunction;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.NativeJavaClass;
import org.mozilla.javascript.NativeJavaMethod;
import org.mozilla.javascript.NativeJavaObject;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.WrapFactory;
import org.mozilla.javascript.lc.type.TypeInfo;
import org.mozilla.javascript.lc.type.TypeInfoFactory;

/*
 * Release on I/O for a script's calls into Java. Rhino reaches a Java method through a wrapper
 * (NativeJavaObject for an instance, NativeJavaClass for statics) whose property is a
 * NativeJavaMethod. The factory's contexts use this WrapFactory: an object or class of a JDK type
 * listed in BLOCKING is wrapped by a subclass whose get() hands out, for a listed method name, a
 * function that runs Rhino's own call inside a core Blocking section, as CPython's
 * Py_BEGIN_ALLOW_THREADS around a blocking C call. The list is the JDK's blocking calls, the same
 * families the agent's instrumentation treats as blocking (sleeps and joins, LockSupport.park,
 * futures, blocking queues, latches, barriers, semaphores, locks and conditions, phasers,
 * exchangers, executors' waits, process waits, stream and channel reads, accepts).
 *
 * Matching is by type and name, not by descriptor: every overload of a listed name is released
 * (BlockingQueue.poll() without a timeout included, which does not block and merely releases the
 * GIL once more). Rhino converts the arguments and wraps the result inside the section too; for
 * these methods that reads the arguments' values only (numbers, wrapped Java objects), and a
 * script object handed to the method (an item put in a queue) is not touched by the call.
 *
 * What remains holding the GIL: any other Java method that blocks (a program's own, Object.wait on
 * an arbitrary object, JDBC, a third-party client), and Java reached through something other than
 * this WrapFactory (a host object the embedder defines). Such a call keeps the GIL for as long as
 * it blocks, as a C extension that forgets Py_BEGIN_ALLOW_THREADS does.
 */

/** The factory's {@link WrapFactory}: the design is in this file's block comment. */
final class BlockingJavaCalls extends WrapFactory {

  /** Per JDK type, the names of its methods that block. */
  private static final Map<Class<?>, Set<String>> BLOCKING =
      Map.ofEntries(
          Map.entry(Thread.class, Set.of("sleep", "join")),
          Map.entry(LockSupport.class, Set.of("park", "parkNanos", "parkUntil")),
          Map.entry(Future.class, Set.of("get", "join")),
          Map.entry(BlockingQueue.class, Set.of("take", "put", "poll", "offer")),
          Map.entry(CountDownLatch.class, Set.of("await")),
          Map.entry(CyclicBarrier.class, Set.of("await")),
          Map.entry(Semaphore.class, Set.of("acquire", "acquireUninterruptibly", "tryAcquire")),
          Map.entry(Lock.class, Set.of("lock", "lockInterruptibly", "tryLock")),
          Map.entry(
              Condition.class, Set.of("await", "awaitNanos", "awaitUninterruptibly", "awaitUntil")),
          Map.entry(
              Phaser.class,
              Set.of("awaitAdvance", "awaitAdvanceInterruptibly", "arriveAndAwaitAdvance")),
          Map.entry(Exchanger.class, Set.of("exchange")),
          Map.entry(ExecutorService.class, Set.of("awaitTermination", "invokeAll", "invokeAny")),
          Map.entry(Process.class, Set.of("waitFor")),
          Map.entry(InputStream.class, Set.of("read", "readAllBytes", "readNBytes")),
          Map.entry(Reader.class, Set.of("read")),
          Map.entry(ReadableByteChannel.class, Set.of("read")),
          Map.entry(ServerSocket.class, Set.of("accept")));

  private static final ClassValue<Set<String>> NAMES =
      new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
          Set<String> names = new HashSet<>();
          for (Map.Entry<Class<?>, Set<String>> e : BLOCKING.entrySet()) {
            if (e.getKey().isAssignableFrom(type)) {
              names.addAll(e.getValue());
            }
          }
          return names.isEmpty() ? Set.of() : Set.copyOf(names);
        }
      };

  /**
   * @return the names of {@code type}'s methods that block (empty when none)
   */
  static Set<String> blockingNames(Class<?> type) {
    return NAMES.get(type);
  }

  @Override
  public Scriptable wrapAsJavaObject(
      Context cx, Scriptable scope, Object javaObject, TypeInfo staticType) {
    Scriptable wrapped = super.wrapAsJavaObject(cx, scope, javaObject, staticType);
    if (wrapped.getClass() == NativeJavaObject.class
        && javaObject != null
        && !blockingNames(javaObject.getClass()).isEmpty()) {
      return new Instance(scope, javaObject, TypeInfoFactory.GLOBAL.create(javaObject.getClass()));
    }
    return wrapped;
  }

  @Override
  public Scriptable wrapJavaClass(Context cx, Scriptable scope, Class<?> javaClass) {
    if (!blockingNames(javaClass).isEmpty()) {
      return new Statics(scope, javaClass);
    }
    return super.wrapJavaClass(cx, scope, javaClass);
  }

  /** {@code method} when {@code name} blocks for {@code type}, run in a blocking section. */
  private static Object released(Class<?> type, String name, Object method) {
    if (method instanceof NativeJavaMethod java && blockingNames(type).contains(name)) {
      return new Released(java);
    }
    return method;
  }

  /** A Java object of a blocking JDK type. */
  private static final class Instance extends NativeJavaObject {
    private static final long serialVersionUID = 1L;

    Instance(Scriptable scope, Object javaObject, TypeInfo staticType) {
      super(scope, javaObject, staticType);
    }

    @Override
    public Object get(String name, Scriptable start) {
      return released(javaObject.getClass(), name, super.get(name, start));
    }
  }

  /** A JDK class with blocking static methods ({@code java.lang.Thread.sleep}). */
  private static final class Statics extends NativeJavaClass {
    private static final long serialVersionUID = 1L;

    Statics(Scriptable scope, Class<?> javaClass) {
      super(scope, javaClass);
    }

    @Override
    public Object get(String name, Scriptable start) {
      return released(getClassObject(), name, super.get(name, start));
    }
  }

  /** A blocking Java method: Rhino's call of it runs inside a blocking section. */
  private static final class Released extends BaseFunction {
    private static final long serialVersionUID = 1L;

    private final Function method;

    Released(NativeJavaMethod method) {
      this.method = method;
    }

    @Override
    public Object call(Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
      return Blocking.call(() -> method.call(cx, scope, thisObj, args));
    }

    @Override
    public String getFunctionName() {
      return ((NativeJavaMethod) method).getFunctionName();
    }
  }
}
