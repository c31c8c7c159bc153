package dev.baton.agent.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

/**
 * The JDK methods that block, which calls from included code reach through a blocking section:
 * CPython's list of calls that release the GIL, for the JDK.
 *
 * <p>A call matches when its name and descriptor are listed for a JDK type its owner is (or
 * extends). The owner is the type the compiler named at the call site: a call through a type of the
 * program (a subclass of a JDK queue declared in included code) does not match, and the program's
 * own code runs instrumented instead. Groups whose implementations the program may supply (streams,
 * queues, futures, locks) check the receiver at run time ({@link
 * dev.baton.agent.runtime.Hooks#beginBlocking(Object, dev.baton.agent.runtime.ThreadState)}).
 *
 * <p>Thread-safe: the table is immutable, the owner cache concurrent.
 */
final class BlockingCalls {

  /** How a matched call's receiver is treated. */
  enum Receiver {
    /** A static method. */
    NONE,
    /** A final JDK method (or one only the JDK implements): always a section. */
    ANY,
    /** The program may implement the type: a section unless the receiver's class is included. */
    CHECKED
  }

  private record Group(Class<?> type, boolean isStatic, Receiver receiver, Set<String> methods) {}

  private static final String ANY_DESCRIPTOR = "*";

  private static final List<Group> GROUPS =
      List.of(
          statics(Thread.class, "sleep(J)V", "sleep(JI)V", "sleep(Ljava/time/Duration;)V"),
          virtual(
              Thread.class,
              Receiver.ANY,
              "join()V",
              "join(J)V",
              "join(JI)V",
              "join(Ljava/time/Duration;)Z"),
          statics(
              LockSupport.class,
              "park()V",
              "park(Ljava/lang/Object;)V",
              "parkNanos(J)V",
              "parkNanos(Ljava/lang/Object;J)V",
              "parkUntil(J)V",
              "parkUntil(Ljava/lang/Object;J)V"),
          virtual(
              Future.class,
              Receiver.CHECKED,
              "get()Ljava/lang/Object;",
              "get(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;",
              "join()Ljava/lang/Object;"),
          virtual(
              BlockingQueue.class,
              Receiver.CHECKED,
              "take()Ljava/lang/Object;",
              "put(Ljava/lang/Object;)V",
              "poll(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;",
              "offer(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z"),
          virtual(
              CountDownLatch.class,
              Receiver.ANY,
              "await()V",
              "await(JLjava/util/concurrent/TimeUnit;)Z"),
          virtual(
              CyclicBarrier.class,
              Receiver.ANY,
              "await()I",
              "await(JLjava/util/concurrent/TimeUnit;)I"),
          virtual(
              Lock.class,
              Receiver.CHECKED,
              "lock()V",
              "lockInterruptibly()V",
              "tryLock(JLjava/util/concurrent/TimeUnit;)Z"),
          virtual(
              Condition.class,
              Receiver.CHECKED,
              "await()V",
              "await(JLjava/util/concurrent/TimeUnit;)Z",
              "awaitNanos(J)J",
              "awaitUninterruptibly()V",
              "awaitUntil(Ljava/util/Date;)Z"),
          virtual(
              Semaphore.class,
              Receiver.ANY,
              "acquire()V",
              "acquire(I)V",
              "acquireUninterruptibly()V",
              "acquireUninterruptibly(I)V",
              "tryAcquire(JLjava/util/concurrent/TimeUnit;)Z",
              "tryAcquire(IJLjava/util/concurrent/TimeUnit;)Z"),
          virtual(
              Process.class,
              Receiver.ANY,
              "waitFor()I",
              "waitFor(JLjava/util/concurrent/TimeUnit;)Z"),
          virtual(
              Socket.class,
              Receiver.ANY,
              "connect(Ljava/net/SocketAddress;)V",
              "connect(Ljava/net/SocketAddress;I)V"),
          virtual(ServerSocket.class, Receiver.ANY, "accept()Ljava/net/Socket;"),
          virtual(
              SocketChannel.class,
              Receiver.ANY,
              "connect(Ljava/net/SocketAddress;)Z",
              "finishConnect()Z"),
          virtual(
              ServerSocketChannel.class, Receiver.ANY, "accept()Ljava/nio/channels/SocketChannel;"),
          virtual(ReadableByteChannel.class, Receiver.CHECKED, "read(Ljava/nio/ByteBuffer;)I"),
          virtual(
              ScatteringByteChannel.class,
              Receiver.CHECKED,
              "read([Ljava/nio/ByteBuffer;)J",
              "read([Ljava/nio/ByteBuffer;II)J"),
          virtual(WritableByteChannel.class, Receiver.CHECKED, "write(Ljava/nio/ByteBuffer;)I"),
          virtual(
              GatheringByteChannel.class,
              Receiver.CHECKED,
              "write([Ljava/nio/ByteBuffer;)J",
              "write([Ljava/nio/ByteBuffer;II)J"),
          virtual(Selector.class, Receiver.ANY, "select()I", "select(J)I"),
          virtual(
              InputStream.class,
              Receiver.CHECKED,
              "read()I",
              "read([B)I",
              "read([BII)I",
              "readAllBytes()[B",
              "readNBytes(I)[B",
              "readNBytes([BII)I",
              "transferTo(Ljava/io/OutputStream;)J"),
          virtual(OutputStream.class, Receiver.CHECKED, "write(I)V", "write([B)V", "write([BII)V"),
          virtual(
              Reader.class,
              Receiver.CHECKED,
              "read()I",
              "read([C)I",
              "read([CII)I",
              "readLine()Ljava/lang/String;"),
          staticsAnyDescriptor(
              Files.class,
              "readAllBytes",
              "readString",
              "readAllLines",
              "write",
              "writeString",
              "copy",
              "move"),
          httpClient());

  /** Owner internal name to the groups its type belongs to; filled lazily. */
  private static final Map<String, List<Group>> OWNERS = new ConcurrentHashMap<>();

  private BlockingCalls() {}

  /**
   * @param call an invoke instruction of included code
   * @return how to treat its receiver when it is a blocking call, or null when it is not one
   */
  static Receiver match(InvokeInstruction call) {
    Opcode op = call.opcode();
    if (op == Opcode.INVOKESPECIAL) {
      return null;
    }
    String name = call.name().stringValue();
    String descriptor = call.type().stringValue();
    if (op == Opcode.INVOKEVIRTUAL && name.equals("wait") && isWaitDescriptor(descriptor)) {
      return Receiver.ANY; // Object.wait is final: any owner names it
    }
    String owner = call.owner().asInternalName();
    if (!isJdk(owner)) {
      return null;
    }
    boolean isStatic = op == Opcode.INVOKESTATIC;
    String signature = name + descriptor;
    for (Group group : OWNERS.computeIfAbsent(owner, BlockingCalls::groupsOf)) {
      if (group.isStatic == isStatic
          && (group.methods.contains(signature) || group.methods.contains(name + ANY_DESCRIPTOR))) {
        return group.receiver;
      }
    }
    return null;
  }

  private static boolean isWaitDescriptor(String descriptor) {
    return descriptor.equals("()V") || descriptor.equals("(J)V") || descriptor.equals("(JI)V");
  }

  private static boolean isJdk(String owner) {
    return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/");
  }

  private static List<Group> groupsOf(String owner) {
    Class<?> type;
    try {
      type = Class.forName(owner.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return List.of();
    }
    return GROUPS.stream().filter(g -> g.type != null && g.type.isAssignableFrom(type)).toList();
  }

  private static Group statics(Class<?> type, String... methods) {
    return new Group(type, true, Receiver.NONE, Set.of(methods));
  }

  private static Group staticsAnyDescriptor(Class<?> type, String... names) {
    return new Group(
        type,
        true,
        Receiver.NONE,
        Set.copyOf(java.util.Arrays.stream(names).map(n -> n + ANY_DESCRIPTOR).toList()));
  }

  private static Group virtual(Class<?> type, Receiver receiver, String... methods) {
    return new Group(type, false, receiver, Set.of(methods));
  }

  /** HttpClient lives in java.net.http, a module the program may not resolve. */
  private static Group httpClient() {
    Class<?> type;
    try {
      type = Class.forName("java.net.http.HttpClient", false, ClassLoader.getPlatformClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      type = null;
    }
    return new Group(
        type,
        false,
        Receiver.CHECKED,
        Set.of(
            "send(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;)"
                + "Ljava/net/http/HttpResponse;"));
  }
}
