package dev.baton.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under the process pool's round trip: 16 bytes written to a child JVM's stdin and read
 * back from its stdout, no framing, no serialization, no pool. Sample time, like {@link
 * ProcessPoolBench}.
 */
@State(Scope.Benchmark)
public class PipeBench extends BenchShape.SampledMicros {
  static final int BYTES = 16;

  private Process child;
  private OutputStream toChild;
  private InputStream fromChild;
  private final byte[] message = new byte[BYTES];
  private final byte[] answer = new byte[BYTES];

  /**
   * Starts the echoing child JVM and waits for its first echo.
   *
   * @throws IOException if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xlog:disable",
                    "-Xlog:all=warning:stderr",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Echo.class.getName()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    toChild = child.getOutputStream();
    fromChild = child.getInputStream();
    roundTrip(); // the child is up and echoing before anything is measured
  }

  /**
   * Stops it: closing its stdin ends it.
   *
   * @throws Exception if it does not end in 10 s
   */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    toChild.close();
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      child.destroyForcibly();
    }
  }

  /**
   * @return the first byte of the echo
   * @throws IOException if the child went away
   */
  @Benchmark
  public byte roundTrip() throws IOException {
    toChild.write(message);
    toChild.flush();
    if (fromChild.readNBytes(answer, 0, BYTES) != BYTES) {
      throw new IOException("the echo child closed its stdout");
    }
    return answer[0];
  }

  /** The child: copies stdin to stdout in {@value #BYTES}-byte messages until stdin closes. */
  public static final class Echo {
    private Echo() {}

    /**
     * @param args ignored
     * @throws IOException if a stream fails
     */
    public static void main(String[] args) throws IOException {
      byte[] buffer = new byte[BYTES];
      while (System.in.readNBytes(buffer, 0, BYTES) == BYTES) {
        System.out.write(buffer);
        System.out.flush();
      }
    }
  }
}
