package dev.baton.gil;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGINT as a {@link KeyboardInterruptException} in a runtime's main thread, through {@code
 * sun.misc.Signal} (module jdk.unsupported, the JDK's way for applications to handle signals),
 * reached by reflection because javac's warning about that API cannot be suppressed. The handler
 * runs on the JVM's signal thread and only raises the exception ({@link Gil#raiseIn}); the main
 * thread throws it at its next checkpoint or blocking-section end.
 */
final class SigintDelivery {
  private final Object signal;
  private final Object previous;
  private final Method handle;

  private SigintDelivery(Object signal, Object previous, Method handle) {
    this.signal = signal;
    this.previous = previous;
    this.handle = handle;
  }

  /** Installs the handler for {@code runtime}'s main thread, the calling thread. */
  static SigintDelivery install(GilRuntime runtime) {
    Thread main = Thread.currentThread();
    Gil gil = runtime.gil();
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("INT");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object handler =
          Proxy.newProxyInstance(
              SigintDelivery.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  gil.raiseIn(
                      main,
                      new KeyboardInterruptException(
                          "SIGINT delivered to thread \""
                              + main.getName()
                              + "\", the main thread of runtime \""
                              + runtime.name()
                              + "\""));
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "SigintDelivery[" + runtime.name() + "]";
                };
              });
      return new SigintDelivery(signal, handle.invoke(null, signal, handler), handle);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "runtime \""
              + runtime.name()
              + "\" could not install its SIGINT handler (keyboardInterrupt(true)): "
              + (e instanceof InvocationTargetException t ? t.getCause() : e)
              + "; build it without keyboardInterrupt on this JVM",
          e);
    }
  }

  /** Puts the handler that was there before back. */
  void restore() {
    try {
      handle.invoke(null, signal, previous);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not restore the SIGINT handler", e);
    }
  }
}
