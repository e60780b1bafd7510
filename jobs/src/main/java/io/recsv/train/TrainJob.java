package io.recsv.train;

import io.recsv.lineage.Counts;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.als.AlsTrainer;
import io.recsv.als.SavedModel;
import io.recsv.als.TunedSettings;
import io.recsv.lineage.Lineage;
import io.recsv.fs.ParquetRows;
import io.recsv.fs.PathGuard;
import io.recsv.lineage.RunLayout;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.lineage.StageOutput;
import io.recsv.config.Settings;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage, train: ALS ({@code train.method}: recsv's solver or Spark ML's) over prepare's indexed interactions, with
 * the settings the run's evaluate stage chose ({@link TrainingSettings}), or, without them, the configured ones.
 * Publishes the run's {@code train} directory with {@code model/} (an ALSModel either way); its record names the
 * settings chosen. MLlib's checkpoints of the run are removed once the model is published.
 */
public final class TrainJob extends StageJob {

  private static final Logger LOG = LogManager.getLogger(TrainJob.class);

  public TrainJob(Config config) {
    super(StageName.TRAIN, config);
    AlsTrainer.from(new Settings(config));  // every key checked before any compute
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.TRAIN, args, TrainJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of(StageName.PREPARE);
  }

  @Override
  public String run(StageContext context) throws IOException {
    SparkSession spark = context.spark();
    Configuration conf = context.hadoop();
    // Evaluate's output, when the run has one, is read (and must chain): its choice is this model's settings.
    boolean evaluated = TrainingSettings.evaluated(conf, layout);
    List<Lineage> inputs = context.inputs(evaluated ? List.of(StageName.PREPARE, StageName.EVALUATE) : reads());
    TrainingSettings chosen = TrainingSettings.of(conf, layout, config, evaluated);
    LOG.info("train: settings {}", chosen.describe());
    AlsTrainer trainer = AlsTrainer.from(new Settings(TunedSettings.applied(config, chosen.chosen())));
    // prepare's schema, as it wrote it: no job to infer it. Training reads no times.
    Dataset<Row> interactions = spark.read().schema(RunLayout.interactionsSchema(false))
        .parquet(layout.interactions().toString());

    long started = System.nanoTime();
    AlsTrainer.Fitted fitted = trainer.fit(spark, interactions, layout.checkpoints().toString());
    ALSModel model = fitted.model();

    StageOutput out = context.output();
    Path written = new Path(out.path(), RunLayout.MODEL);
    SavedModel.write(spark, model, written.toString());
    Counts counts = requireEveryUserAndProduct(conf, written, inputs.get(0));
    out.publish(context.record(inputs, null).withCounts(counts).withChosen(chosen.chosen()));
    removeCheckpoints(conf);
    return String.format("rank %d, %d iterations by %s%s, %,d users x %,d products in %.1f s -> %s%n  settings: %s",
        model.rank(), trainer.maxIter(), fitted.describe(), trainer.confidence().isLinear() ? ""
            : ", confidence " + trainer.confidence().describe(), counts.users(), counts.products(),
        (System.nanoTime() - started) / 1e9, layout.model(), chosen.describe());
  }

  /**
   * The model's factors as written (counted from the Parquet footers), which must be one per user and product of
   * prepare's output: every product there has a pair, so a factor; a missing one would lose a user's rows.
   */
  private static Counts requireEveryUserAndProduct(Configuration conf, Path model, Lineage prepared)
      throws IOException {
    long users = ParquetRows.count(conf, new Path(model, "userFactors"));
    long products = ParquetRows.count(conf, new Path(model, "itemFactors"));
    Counts.requireChained(StageName.TRAIN, "user factors", users, prepared.counts().users(), prepared,
        "one per user", StageName.TRAIN);
    Counts.requireChained(StageName.TRAIN, "product factors", products, prepared.counts().products(), prepared,
        "one per product", StageName.TRAIN);
    return new Counts(null, users, products, null);
  }

  /** Every run would otherwise leave a checkpoint directory of the size of the factors behind. */
  private void removeCheckpoints(Configuration conf) throws IOException {
    Path dir = layout.checkpoints();
    FileSystem fs = dir.getFileSystem(conf);
    PathGuard.requireInside(fs, dir, layout.runDir(), "train.checkpoint-dir", "the run's directory");
    fs.delete(dir, true);
  }
}
