package dev.baton.bench;

import dev.baton.process.Codec;
import dev.baton.process.PoolTask;
import dev.baton.process.internal.Frame;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.SerialPolicy;
import dev.baton.process.internal.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The parts of the process pool's trivial round trip ({@link ProcessPoolBench}), each alone in one
 * JVM, so that the round trip's figure can be read as a sum: framing a task and its answer, the
 * compact codec on a boxed int, Java serialization and filtered deserialization of a trivial lambda
 * (what a stateless lambda now pays once per pool and worker, and any other task at every call),
 * the same deserialization without the allow-list filter, and a thread hand-off (the wake-up a
 * frame costs between a reader thread and the thread that waits for it, paid once on each side).
 */
@State(Scope.Benchmark)
public class PoolPartsBench extends BenchShape.NanosPerOp {
  private static final PoolTask<Integer> TRIVIAL = () -> 1;

  private final SerialPolicy policy =
      new SerialPolicy(SerialPolicy.DEFAULT_PATTERNS, 100, 1_000_000, 256L << 20);
  private final ValueCodec codec =
      new ValueCodec(Codec.COMPACT, policy, PoolPartsBench.class.getClassLoader());
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final DataOutputStream out = new DataOutputStream(buffer);
  private final Payloads.TaskBody task = new Payloads.TaskBody(Payloads.CALL, 1, new byte[0], null);
  private final byte[] result;
  private final byte[] code;
  private final byte[] javaBytes;

  private final SynchronousQueue<Object> there = new SynchronousQueue<>();
  private final SynchronousQueue<Object> back = new SynchronousQueue<>();
  private Thread echo;

  /** Fixed inputs. */
  public PoolPartsBench() {
    try {
      result = codec.encode(1);
      code = SerialPolicy.serializeCode(TRIVIAL);
      javaBytes = SerialPolicy.serialize(TRIVIAL);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the thread that echoes hand-offs. */
  @Setup(Level.Trial)
  public void setUp() {
    echo =
        new Thread(
            () -> {
              try {
                while (true) {
                  back.put(there.take());
                }
              } catch (InterruptedException e) {
                // torn down
              }
            },
            "hand-off-echo");
    echo.setDaemon(true);
    echo.start();
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    echo.interrupt();
  }

  /**
   * @return the answer's id
   * @throws IOException never: memory streams
   */
  @Benchmark
  public long framing() throws IOException {
    buffer.reset();
    task.writeFrame(out, 7, false, false);
    Frame.write(out, Frame.T_RESULT, 7, result);
    out.flush();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(buffer.toByteArray()));
    Frame.read(in, 1 << 20);
    return Frame.read(in, 1 << 20).id();
  }

  /**
   * @return the decoded result
   * @throws Exception never: a boxed int
   */
  @Benchmark
  public Object codec() throws Exception {
    return codec.decode(codec.encode(1));
  }

  /**
   * @return the trivial lambda's blob
   * @throws IOException never: it is serializable
   */
  @Benchmark
  public byte[] serializeTask() throws IOException {
    return SerialPolicy.serializeCode(TRIVIAL);
  }

  /**
   * @return the trivial lambda, deserialized through the allow-list filter
   * @throws Exception never: it is allowed
   */
  @Benchmark
  public Object deserializeTaskFiltered() throws Exception {
    return policy.deserializeCode(code, PoolPartsBench.class.getClassLoader());
  }

  /**
   * @return the trivial lambda, deserialized by a plain ObjectInputStream, no filter
   * @throws Exception never
   */
  @Benchmark
  public Object deserializeTaskUnfiltered() throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(javaBytes))) {
      return in.readObject();
    }
  }

  /**
   * @return what came back
   * @throws InterruptedException never: the echo thread runs until tear-down
   */
  @Benchmark
  public Object twoHandOffs() throws InterruptedException {
    there.put(List.class);
    return back.take();
  }
}
