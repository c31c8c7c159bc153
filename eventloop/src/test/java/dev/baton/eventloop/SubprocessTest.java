package dev.baton.eventloop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessTest {
  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void communicateRoundTripsThroughCat(TaskMechanism m) {
    byte[] input = new byte[2_000_000];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (i % 251);
    }
    Subprocess.Result r = EventLoop.run("sub", m, () -> Subprocess.exec("cat").communicate(input));
    assertThat(r.exitCode()).isZero();
    assertThat(Arrays.equals(r.stdout(), input)).isTrue();
    assertThat(r.stderr()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void streamsLinesBothWays(TaskMechanism m) {
    List<String> got =
        EventLoop.run(
            "sub",
            m,
            () -> {
              Subprocess p =
                  Subprocess.exec(
                      "sh", "-c", "while read l; do echo \"got $l\"; done; echo bye >&2; exit 7");
              List<String> out = new ArrayList<>();
              for (String s : List.of("a", "b")) {
                p.stdin().write((s + "\n").getBytes(US_ASCII));
                p.stdin().drain();
                out.add(new String(p.stdout().readLine(), US_ASCII));
              }
              p.stdin().close();
              out.add(new String(p.stderr().readLine(), US_ASCII));
              out.add(String.valueOf(p.stdout().read(-1).length));
              out.add(String.valueOf(p.waitFor()));
              out.add(String.valueOf(p.returnCode().getAsInt()));
              return out;
            });
    assertThat(got).containsExactly("got a\n", "got b\n", "bye\n", "0", "7", "7");
  }

  @Test
  void aChildFloodingBothPipesIsReadWhole() {
    Subprocess.Result r =
        EventLoop.run(
            () ->
                Subprocess.exec(
                        "sh",
                        "-c",
                        "head -c 3000000 /dev/zero >&2 & head -c 3000000 /dev/zero; wait")
                    .communicate(null));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).hasSize(3_000_000);
    assertThat(r.stderr()).hasSize(3_000_000);
  }

  @Test
  void aFloodingChildThatIsNotReadIsHeldByBackpressureWhileTheLoopRuns() {
    List<Object> got =
        EventLoop.run(
            () -> {
              Subprocess p = Subprocess.exec("yes");
              String first = new String(p.stdout().readLine(), US_ASCII);
              // stop reading: the pipe thread holds a few chunks, then the child blocks; the loop
              // keeps running timers meanwhile
              int ticks = 0;
              for (int i = 0; i < 5; i++) {
                Tasks.sleep(Duration.ofMillis(20));
                ticks++;
              }
              p.kill();
              int code = p.waitFor();
              return List.of(first, ticks, code != 0);
            });
    assertThat(got).containsExactly("y\n", 5, true);
  }

  @Test
  void aChildThatNeverExitsIsKilledAtTheTimeout() {
    List<Object> got =
        EventLoop.run(
            () -> {
              Subprocess p = Subprocess.exec("sleep", "1000");
              List<Object> out = new ArrayList<>();
              try {
                p.communicate(null, Duration.ofMillis(200));
                out.add("returned");
              } catch (TimeoutException e) {
                out.add("timed out");
              }
              out.add(p.waitFor() != 0);
              Subprocess q = Subprocess.exec("sleep", "1000");
              q.terminate();
              out.add(q.waitFor());
              return out;
            });
    assertThat(got).containsExactly("timed out", true, 143);
  }

  @Test
  void aChildThatClosesItsPipesEarlyEndsCleanly() {
    byte[] input = new byte[1_000_000];
    Subprocess.Result r =
        EventLoop.run(
            () ->
                Subprocess.exec("sh", "-c", "exec 0<&- 1>&-; echo err >&2; exit 3")
                    .communicate(input));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEmpty();
    assertThat(new String(r.stderr(), US_ASCII)).isEqualTo("err\n");
  }
}
