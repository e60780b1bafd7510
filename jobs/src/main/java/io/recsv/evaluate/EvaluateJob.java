package io.recsv.evaluate;

import io.recsv.workflow.GateVerdict;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.als.AlsTrainer;
import io.recsv.als.Recommender;
import io.recsv.fs.HadoopConf;
import io.recsv.lineage.Lineage;
import io.recsv.fs.PathGuard;
import io.recsv.lineage.RunLayout;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.lineage.StageOutput;
import io.recsv.config.Settings;
import io.recsv.report.EvaluationMetrics.Ranking;
import io.recsv.report.EvaluationMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;

/**
 * Stage, evaluate: is this week's model any good? Holds out a share of each (sampled) user's interactions, trains
 * ALS with the train settings on the rest, scores the holdout users with the production scorer, and measures how
 * well the lists find the held-out products, against a popularity baseline on the same split. Publishes the
 * run's {@code evaluate} directory: {@code metrics.json} with the gate's verdict ({@code evaluate.gate.*}), and
 * {@code gate.properties} (verdict, reason) for the workflow's decision node. It reads prepare's output only.
 */
public final class EvaluateJob extends StageJob {


  private final Settings settings;
  private final AlsTrainer trainer;
  private final Recommender recommender;
  private final List<Integer> ks;
  private final Gate gate;

  public EvaluateJob(Config config) {
    super(StageName.EVALUATE, config);
    this.settings = new Settings(config);
    this.trainer = AlsTrainer.from(settings);
    this.recommender = Recommender.from(settings);
    this.ks = Holdout.ks(recommender.k());
    this.gate = new Gate(settings);
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.EVALUATE, args, EvaluateJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of(StageName.PREPARE);
  }

  @Override
  public String run(StageContext context) throws IOException {
    SparkSession spark = context.spark();
    long started = System.nanoTime();
    Configuration conf = context.hadoop();
    List<Lineage> inputs = context.inputs(reads());
    Path checkpoints = new Path(layout.checkpoints(), StageName.EVALUATE.id());
    EvaluationMetrics metrics;
    try (Holdout bench = Holdout.of(spark, layout, settings, ks)) {
      ALSModel model = trainer.fit(spark, bench.train(), checkpoints.toString()).model();
      List<Ranking> modelRanking = bench.measure(model, recommender);
      List<Ranking> popularity = bench.popularity();
      LastRun last = lastPassedRun(conf);
      EvaluationMetrics.Gate verdict = gate.judge(modelRanking.get(ks.size() - 1), popularity.get(ks.size() - 1),
          bench.described().evaluatedUsers(), last == null ? null : last.metrics(),
          last == null ? null : last.runId());
      metrics = new EvaluationMetrics(EvaluationMetrics.FORMAT, layout.runId(), Instant.now().toString(),
          bench.described(), modelRanking, popularity, verdict, (System.nanoTime() - started) / 1e9);
    } finally {
      removeCheckpoints(conf, checkpoints);
    }

    StageOutput out = context.output();
    FileSystem fs = HadoopConf.forWriting(out.path(), conf);
    metrics.write(fs, new Path(out.path(), RunLayout.METRICS));
    writeGate(fs, new Path(out.path(), GateVerdict.FILE), metrics.gate());
    out.publish(context.record(inputs, null));
    return MetricsTable.summary(metrics);
  }

  /** The verdict as the workflow's gate action reads it (a properties file: no JSON parser needed there). */
  private static void writeGate(FileSystem fs, Path file, EvaluationMetrics.Gate gate) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      gate.toVerdict().write(out);
    }
  }

  private record LastRun(String runId, EvaluationMetrics metrics) {}

  /**
   * The metrics of the latest earlier run (by run id, as weeks' dates sort) under run.root whose gate let it
   * publish; null when there is none.
   */
  private LastRun lastPassedRun(Configuration conf) throws IOException {
    Path root = layout.runRoot();
    FileSystem fs = root.getFileSystem(conf);
    String relative = layout.runDir().toUri().relativize(layout.metrics().toUri()).getPath();
    LastRun best = null;
    for (FileStatus run : fs.listStatus(root)) {
      String id = run.getPath().getName();
      if (!run.isDirectory() || id.compareTo(layout.runId()) >= 0 || (best != null && id.compareTo(best.runId()) < 0)) {
        continue;
      }
      EvaluationMetrics m = EvaluationMetrics.readIfExists(conf, new Path(run.getPath(), relative));
      if (m != null && m.gate() != null && m.gate().publishes()) {
        best = new LastRun(id, m);
      }
    }
    return best;
  }

  private void removeCheckpoints(Configuration conf, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return;
    }
    PathGuard.requireInside(fs, dir, layout.runDir(), "evaluate's checkpoints", "the run's directory");
    fs.delete(dir, true);
  }
}
