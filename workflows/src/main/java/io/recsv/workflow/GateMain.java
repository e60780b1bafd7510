package io.recsv.workflow;

import java.io.FileOutputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * The gate action's main (an Oozie java action with capture-output, after evaluate): {@code GATE_PROPERTIES}.
 * Hands the evaluate stage's verdict to the workflow's decision node ({@code wf:actionData('gate')['publish']})
 * and its kill message ({@code ['reason']}). It decides nothing itself: the rules are evaluate's.
 */
public final class GateMain {

  private GateMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GateMain GATE_PROPERTIES (evaluate's gate.properties)");
    }
    GateVerdict verdict = GateVerdict.read(new Configuration(), args[0]);
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
