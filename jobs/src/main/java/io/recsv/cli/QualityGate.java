package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.run.PublishGate;
import io.recsv.run.StageRunner;
import io.recsv.workflow.GateVerdict;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The launcher's quality gate before the stage after evaluate (train: a refused week is neither trained nor
 * published), as the workflow's decision node: the run's {@link PublishGate} decides, and this prints what it
 * decided. The merge asks the same gate again before it publishes.
 */
final class QualityGate implements StageRunner.Check {

  private final PublishGate gate;
  private final PrintStream out;

  QualityGate(Config config, PrintStream out) {
    this.gate = new PublishGate(config);
    this.out = out;
  }

  @Override
  public void check(Configuration conf) throws IOException {
    PublishGate.Decision decision = gate.decide(conf, "the quality gate", List.of(StageName.EVALUATE));
    GateVerdict verdict = decision.verdict();
    out.println(decision.forced()
        ? "quality gate: refused, published anyway (" + PublishGate.FORCE + " = true): " + verdict.reason()
        : "quality gate: " + verdict.verdict() + " (" + verdict.reason() + ")");
  }
}
