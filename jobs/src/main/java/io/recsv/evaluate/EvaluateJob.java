package io.recsv.evaluate;

import io.recsv.workflow.GateVerdict;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.als.AlsTrainer;
import io.recsv.als.Recommender;
import io.recsv.als.TunedSettings;
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
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * Stage, evaluate: which settings should this week train with, and is the model they make any good? Holds out a
 * share of each (sampled) user's interactions, trains ALS on the rest with the train settings and, with {@code
 * evaluate.candidates} on, a few candidates around them ({@link CandidateSearch}), scores the holdout users with the
 * production scorer, and measures how well the lists find the held-out products, against a popularity baseline on
 * the same split. The best candidate by the gate's metric is the week's choice, and the gate judges its model.
 * Publishes the run's {@code evaluate} directory: {@code metrics.json} with every candidate, the choice (which the
 * train stage reads) and the gate's verdict ({@code evaluate.gate.*}), and {@code gate.properties} (verdict,
 * reason) for the workflow's decision node. It reads prepare's output only, and runs before train.
 */
public final class EvaluateJob extends StageJob {

  private static final Logger LOG = LogManager.getLogger(EvaluateJob.class);

  private final Settings settings;
  private final Recommender recommender;
  private final List<Integer> ks;
  private final Gate gate;
  private final boolean searching;
  private final int trials;
  private final double timeShare;

  public EvaluateJob(Config config) {
    super(StageName.EVALUATE, config);
    this.settings = new Settings(config);
    AlsTrainer.from(settings);  // train's settings checked before any compute
    this.recommender = Recommender.from(settings);
    this.ks = Holdout.ks(recommender.k());
    this.gate = new Gate(settings);
    this.searching = settings.bool("evaluate.candidates.enabled");
    this.trials = settings.intBetween("evaluate.candidates.trials", 1, 100, "each candidate is a training of the"
        + " holdout model");
    this.timeShare = settings.doubleAtLeast("evaluate.candidates.time-share", 0);
    if (timeShare > 1) {
      throw settings.bad("evaluate.candidates.time-share", "must be at most 1 (a share of the week's time)");
    }
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
    try (Holdout bench = Holdout.of(spark, conf, layout, settings, ks, inputs.get(0))) {
      List<Ranking> popularity = bench.popularity();
      Budget budget = searching ? budget(conf) : Budget.NONE;
      long seed = settings.longValue("evaluate.seed");
      int k = ks.get(ks.size() - 1);
      CandidateSearch.Outcome outcome = new CandidateSearch(bench, recommender, checkpoints.toString()).run(spark,
          config, searching ? trials : 1, budget.seconds(), seed, ranking -> ranking.get(ks.size() - 1).ndcg(),
          t -> LOG.info("evaluate: candidate {}: NDCG@{} {} in {} s", TunedSettings.describe(t.settings()), k,
              String.format("%.4f", t.ranking().get(ks.size() - 1).ndcg()), String.format("%.1f", t.seconds())));
      List<Ranking> modelRanking = outcome.bestTrial().ranking();
      LastRun last = lastPassedRun(conf);
      EvaluationMetrics.Gate verdict = gate.judge(modelRanking.get(ks.size() - 1), popularity.get(ks.size() - 1),
          bench.described().evaluatedUsers(), last == null ? null : last.metrics(),
          last == null ? null : last.runId());
      EvaluationMetrics.Search search = !searching ? null : new EvaluationMetrics.Search("ndcg@" + k, seed, trials,
          timeShare, budget.from() == null ? null : budget.seconds(), budget.from(), outcome.stop().description(),
          Lineage.settingsOf(config, StageName.TRAIN), outcome.trials().stream().map(t ->
              new EvaluationMetrics.Candidate(t.settings(), t.ranking(), t.seconds())).toList(), outcome.best());
      metrics = new EvaluationMetrics(EvaluationMetrics.FORMAT, layout.runId(), Instant.now().toString(),
          bench.described(), modelRanking, popularity, verdict, (System.nanoTime() - started) / 1e9, search);
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

  /**
   * The time the candidates after the configured settings may take: {@code evaluate.candidates.time-share} of the
   * latest earlier week under run.root (its stages' seconds, as their records hold them); none without one.
   */
  private record Budget(double seconds, String from) {
    static final Budget NONE = new Budget(Double.POSITIVE_INFINITY, null);
  }

  private Budget budget(Configuration conf) throws IOException {
    Path root = layout.runRoot();
    FileSystem fs = root.getFileSystem(conf);
    for (String id : earlierRuns(fs)) {
      double week = 0;
      for (Path dir : layout.stageDirs().values()) {
        String relative = layout.runDir().toUri().relativize(dir.toUri()).getPath();
        Double seconds = Lineage.secondsIfRecorded(fs, new Path(new Path(root, id), relative));
        week += seconds == null ? 0 : seconds;
      }
      if (week > 0) {
        return new Budget(timeShare * week, String.format(java.util.Locale.ROOT,
            "evaluate.candidates.time-share %s of run %s's %.1f s (its stages' records)", timeShare, id, week));
      }
    }
    return Budget.NONE;
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
    String relative = layout.runDir().toUri().relativize(layout.metrics().toUri()).getPath();
    for (String id : earlierRuns(root.getFileSystem(conf))) {
      EvaluationMetrics m = EvaluationMetrics.readIfExists(conf, new Path(new Path(root, id), relative));
      if (m != null && m.gate() != null && m.gate().publishes()) {
        return new LastRun(id, m);
      }
    }
    return null;
  }

  /** The ids of the runs under run.root before this one (as weeks' dates sort), the latest first. */
  private List<String> earlierRuns(FileSystem fs) throws IOException {
    List<String> earlier = new java.util.ArrayList<>();
    for (FileStatus run : fs.listStatus(layout.runRoot())) {
      if (run.isDirectory() && run.getPath().getName().compareTo(layout.runId()) < 0) {
        earlier.add(run.getPath().getName());
      }
    }
    earlier.sort(java.util.Comparator.reverseOrder());
    return earlier;
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
