package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void tourJsonPrintsExactlyOneObjectOnStdout() throws Exception {
    Run run = run("tour", "--quick", "--json");
    assertThat(run.exit()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.isObject()).isTrue();
    assertThat(node.get("quick").asBoolean()).isTrue();
    assertThat(node.get("steps")).hasSize(TourCommand.STEPS.size());
    assertThat(run.err()).contains("A tour of");
  }

  @Test
  void tourWithoutJsonPrintsTextOnStdout() {
    Run run = run("tour");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("Threading and the race condition").doesNotContain("{");
  }

  @Test
  void versionAndHelpWork() {
    Run version = run("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).contains("baton-examples");
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("tour");
  }

  @Test
  void unknownCommandFailsWithUsage() {
    Run run = run("no-such-command");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("Unmatched argument");
  }
}
