package io.recsv.workflow;

import java.io.FileOutputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The gate action's main (an Oozie java action with capture-output, after evaluate): {@code GATE_PROPERTIES}.
 * Hands the evaluate stage's verdict to the workflow's decision node ({@code wf:actionData('gate')['publish']})
 * and its kill message ({@code ['reason']}). It decides nothing itself: the rules are evaluate's.
 */
@Command(name = "GateMain", description = "hands evaluate's verdict to the workflow's decision node")
public final class GateMain {

  @Parameters(paramLabel = "GATE_PROPERTIES", description = "evaluate's " + GateVerdict.FILE)
  String verdictFile;

  private GateMain() {}

  public static void main(String[] args) throws Exception {
    GateMain gate = new GateMain();
    try {
      new CommandLine(gate).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "; usage: GateMain GATE_PROPERTIES", e);
    }
    GateVerdict verdict = GateVerdict.read(new Configuration(), gate.verdictFile);
    String output = System.getProperty("oozie.action.output.properties");
    if (output == null) {
      throw new IllegalStateException("not run as an Oozie java action with <capture-output/>"
          + " (oozie.action.output.properties is not set)");
    }
    try (OutputStream out = new FileOutputStream(output)) {
      verdict.writeActionOutput(out);
    }
    System.out.println("quality gate: " + verdict.verdict() + " (" + verdict.reason() + ")");
  }
}
