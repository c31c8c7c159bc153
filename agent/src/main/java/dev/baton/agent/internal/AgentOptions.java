package dev.baton.agent.internal;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's option string, {@code include=com.example.,exclude=com.example.gen.,interval=5ms},
 * parsed. Options are separated by commas; a comma-separated item without {@code =} continues the
 * list of the option before it, so {@code include=a.,b.} includes both prefixes.
 *
 * @param include package or class-name prefixes to instrument (at least one)
 * @param exclude prefixes not to instrument, among the included ones
 * @param interval the agent runtime's switch interval
 * @param policy the agent runtime's GIL policy
 * @param name the agent runtime's name
 * @param detect the blocking detector's threshold, or null when it is off
 * @param trace where to write a Chrome trace of the run at exit, or null
 * @param switchPoints the included methods whose entries and loops are checkpoints
 */
public record AgentOptions(
    List<String> include,
    List<String> exclude,
    Duration interval,
    GilPolicy policy,
    String name,
    Duration detect,
    String trace,
    SwitchPoints switchPoints) {

  /** What the agent prints when its options are wrong. */
  public static final String HELP =
      """
      Usage: -javaagent:baton-agent.jar=include=PREFIX[,PREFIX...][,OPTION=VALUE...]
        Runs the threads that execute the included classes under one GIL, with CPython's
        semantics: checkpoints at method entry and backward branches, the GIL released
        around the JDK's blocking calls.
      Options (comma-separated; a bare item continues the previous option's list):
        include=PREFIX,...   class-name prefixes to instrument, e.g. com.example. (required)
        exclude=PREFIX,...   prefixes not to instrument, among the included ones
        interval=DURATION    switch interval, e.g. 5ms, 500us, 1s (default 5ms)
        policy=fair|cpython  GIL scheduling policy (default fair)
        name=NAME            the runtime's name in messages and traces (default agent)
        detect=DURATION      report blocking calls made holding the GIL for longer than this
        trace=FILE           write a Chrome trace (Perfetto) of the run to FILE at exit
        switch=PREFIX[#method],...  the only included methods whose entries and loops are
                             checkpoints (an interpreter's dispatch loop, a guest's compiled
                             code); the rest of the included code runs atomically under the
                             GIL (default: every included method is a switch point)
      Never instrumented: the JDK, Baton, the agent, test and build runners, and <clinit>
      checkpoints. Start-up only: the agent cannot be attached to a running JVM.
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ns|us|ms|s)");

  /**
   * @param args the text after {@code =} in {@code -javaagent:baton-agent.jar=...}, or null
   * @return the options
   * @throws IllegalArgumentException naming the option and the rule broken
   */
  public static AgentOptions parse(String args) {
    List<String> include = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    List<String> switchPoints = new ArrayList<>();
    Duration interval = Duration.ofMillis(5);
    GilPolicy policy = GilPolicy.FAIR;
    String name = "agent";
    Duration detect = null;
    String trace = null;
    List<String> list = null;
    for (String item : (args == null ? "" : args).split(",")) {
      String token = item.strip();
      if (token.isEmpty()) {
        continue;
      }
      int eq = token.indexOf('=');
      if (eq < 0) {
        if (list == null) {
          throw new IllegalArgumentException(
              "agent option \"" + token + "\" has no value: write key=value");
        }
        list.add(token);
        continue;
      }
      String key = token.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = token.substring(eq + 1).strip();
      list = null;
      switch (key) {
        case "include" -> {
          list = include;
          addPrefix(include, value, key);
        }
        case "exclude" -> {
          list = exclude;
          addPrefix(exclude, value, key);
        }
        case "switch" -> {
          list = switchPoints;
          addPrefix(switchPoints, value, key);
        }
        case "interval" -> interval = duration(key, value);
        case "policy" -> policy = policy(value);
        case "name" -> {
          if (value.isBlank()) {
            throw new IllegalArgumentException("agent option name= must not be blank");
          }
          name = value;
        }
        case "detect" -> detect = duration(key, value);
        case "trace" -> {
          if (value.isBlank()) {
            throw new IllegalArgumentException("agent option trace= needs a file name");
          }
          trace = value;
        }
        default ->
            throw new IllegalArgumentException(
                "unknown agent option \""
                    + key
                    + "\": the options are include, exclude, switch, interval, policy, name,"
                    + " detect, trace");
      }
    }
    for (String prefix : exclude) {
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("agent option exclude= needs a prefix");
      }
    }
    if (include.isEmpty()) {
      throw new IllegalArgumentException(
          "the agent needs include=PREFIX: which packages should run under the GIL?");
    }
    if (interval.compareTo(Gil.MIN_SWITCH_INTERVAL) < 0
        || interval.compareTo(Gil.MAX_SWITCH_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "agent option interval="
              + interval
              + " is outside "
              + Gil.MIN_SWITCH_INTERVAL
              + " to "
              + Gil.MAX_SWITCH_INTERVAL);
    }
    return new AgentOptions(
        List.copyOf(include),
        List.copyOf(exclude),
        interval,
        policy,
        name,
        detect,
        trace,
        new SwitchPoints(switchPoints));
  }

  private static void addPrefix(List<String> list, String value, String key) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("agent option " + key + "= needs a prefix");
    }
    list.add(value);
  }

  private static Duration duration(String key, String value) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "agent option " + key + "=" + value + " is not a duration like 5ms, 500us or 1s");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ns" -> Duration.ofNanos(n);
      case "us" -> Duration.ofNanos(n * 1_000);
      case "ms" -> Duration.ofMillis(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static GilPolicy policy(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "fair" -> GilPolicy.FAIR;
      case "cpython" -> GilPolicy.CPYTHON;
      default ->
          throw new IllegalArgumentException(
              "agent option policy=" + value + " is not one of fair, cpython");
    };
  }
}
