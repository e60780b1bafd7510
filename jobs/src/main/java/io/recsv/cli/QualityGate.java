package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.common.Lineage;
import io.recsv.common.RunLayout;
import io.recsv.common.StageRunner;
import io.recsv.config.UserError;
import io.recsv.workflow.GateVerdict;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The local launcher's quality gate, as the workflow's decision node decides: before the first stage that
 * publishes, the run's evaluate verdict must let it publish (or on-call forces it: evaluate.gate.force). The
 * verdict must be of the same data as the scores about to be published.
 */
final class QualityGate implements StageRunner.Check {

  private final RunLayout layout;
  private final boolean force;
  private final PrintStream out;

  QualityGate(Config config, PrintStream out) {
    this.layout = RunLayout.of(config);
    this.force = config.getBoolean("evaluate.gate.force");
    this.out = out;
  }

  @Override
  public void check(Configuration conf) throws IOException {
    Lineage.readChained(conf, layout, "the quality gate", List.of(StageName.SCORE, StageName.EVALUATE));
    Path file = new Path(layout.stageDir(StageName.EVALUATE), GateVerdict.FILE);
    GateVerdict verdict = GateVerdict.read(conf, file.toString());
    if (verdict.verdict().publishes()) {
      out.println("quality gate: " + verdict.verdict() + " (" + verdict.reason() + ")");
      return;
    }
    if (verdict.mayPublish(force)) {
      out.println("quality gate: refused, published anyway (evaluate.gate.force = true): " + verdict.reason());
      return;
    }
    throw new UserError("the quality gate refused run " + layout.runId() + ", nothing was published: "
        + verdict.reason() + " (metrics: " + layout.metrics() + "; to publish it anyway: --from export"
        + " -D evaluate.gate.force=true)");
  }
}
