package io.recsv.run;

import com.typesafe.config.Config;
import io.recsv.config.Settings;
import io.recsv.config.UserError;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.workflow.GateVerdict;
import io.recsv.workflow.StageName;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Whether a run may publish: the one place that decides it. The evaluate stage judges the week's model and writes
 * its verdict ({@link GateVerdict}, {@code evaluate/gate.properties}); a week its verdict refuses is published only
 * when on-call forces it ({@value #FORCE}, read here and nowhere else). The local launcher asks before export, the
 * merge before it publishes; the workflow's decision node takes the same two inputs (the gate action's
 * {@code publish} and {@code gateForce}).
 */
public final class PublishGate {

  /** On-call's override, for one run: publish a week the gate refused. */
  public static final String FORCE = "evaluate.gate.force";

  /** What was decided: the verdict, and whether the week is published only because on-call forced it. */
  public record Decision(GateVerdict verdict, boolean forced) {}

  private final RunLayout layout;
  private final boolean force;

  public PublishGate(Config config) {
    this.layout = RunLayout.of(config);
    this.force = new Settings(config).bool(FORCE);
  }

  /** Whether on-call forces this run's publication. */
  public boolean force() {
    return force;
  }

  /** Whether the run has an evaluate output to decide by (a workflow without evaluate publishes ungated). */
  public boolean evaluated(Configuration conf) throws IOException {
    Path dir = layout.stageDir(StageName.EVALUATE);
    return dir.getFileSystem(conf).exists(dir);
  }

  /**
   * The decision for this run, by a verdict of the same data as what {@code consumer} is about to publish (the
   * outputs {@code chained} with evaluate's must chain); a UserError, naming the reason and the override, when the
   * week may not be published.
   */
  public Decision decide(Configuration conf, String consumer, List<StageName> chained) throws IOException {
    Lineage.readChained(conf, layout, consumer, chained);
    GateVerdict verdict = GateVerdict.read(conf,
        new Path(layout.stageDir(StageName.EVALUATE), GateVerdict.FILE).toString());
    if (!verdict.mayPublish(force)) {
      throw new UserError("the quality gate refused run " + layout.runId() + ", nothing was published: "
          + verdict.reason() + " (metrics: " + layout.metrics() + "; to publish it anyway: rerun from train with"
          + " -D " + FORCE + "=true)");
    }
    return new Decision(verdict, !verdict.verdict().publishes());
  }
}
