package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import io.recsv.common.InputListing;
import io.recsv.common.Lineage;
import io.recsv.common.RunLayout;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.common.StageOutput;
import io.recsv.common.UserError;
import io.recsv.config.Settings;
import io.recsv.report.InputStats;
import io.recsv.report.StatsFile;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 1, prepare: validate the interactions, combine duplicate (user, product) pairs, and give users and
 * products dense int indices for ALS.
 * <p>Publishes the run's {@code prepare} directory: {@code interactions/} (user_index, product_index, weight, and
 * last_time, the pair's latest time, when prepare.columns.timestamp names one),
 * {@code users/} (user_id, user_index) and {@code products/} (product_id, product_index), all Parquet, and a
 * lineage record naming the input files (paths, sizes, modification times).
 */
public final class PrepareJob implements Stage {

  /** {@code prepare.aggregate}: how the weights of one (user, product) pair's rows combine. */
  enum Aggregate { SUM, MAX, COUNT }

  private final Config config;
  private final RunLayout layout;
  private final InteractionSource source;
  private final Aggregate aggregate;

  public PrepareJob(Config config) {
    Settings s = new Settings(config);
    this.config = config;
    this.layout = RunLayout.of(config);
    this.source = new InteractionSource(s);
    this.aggregate = s.enumValue("prepare.aggregate", Aggregate.class);
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("prepare", args, PrepareJob::new);
  }

  @Override
  public List<String> reads() {
    return List.of();
  }

  @Override
  public void preflight(Configuration conf) throws IOException {
    InputListing.list(conf, "prepare.input", source.input);  // exists and is not empty
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Lineage.InputFiles files = InputListing.list(conf, "prepare.input", source.input);
    String pruning = spark.conf().get(InteractionSource.COLUMN_PRUNING, "true");
    spark.conf().set(InteractionSource.COLUMN_PRUNING, "false");
    try {
      InteractionValidator validator = new InteractionValidator(source);
      Dataset<Row> raw = source.read(spark);
      StageOutput out = StageOutput.begin(conf, layout, "prepare");
      try {
        write(validator.parse(raw), out.path());
      } catch (Exception e) {
        out.abandon();
        UserError explained = validator.explain(e, raw);
        if (explained != null) {
          throw explained;
        }
        throw e;
      }
      Dataset<Row> written = spark.read().parquet(new Path(out.path(), RunLayout.INTERACTIONS).toString());
      long pairCount = written.count();
      if (pairCount == 0) {
        out.abandon();
        throw new UserError("prepare.input " + source.input + " has no interactions (" + files.files() + " file"
            + (files.files() == 1 ? "" : "s") + ", " + files.bytes() + " bytes: only a header?); nothing was written");
      }
      long userCount = spark.read().parquet(new Path(out.path(), RunLayout.USERS).toString()).count();
      long productCount = spark.read().parquet(new Path(out.path(), RunLayout.PRODUCTS).toString()).count();
      InputStats stats = InputStats.of(written, userCount, productCount, pairCount);
      Lineage lineage = Lineage.of("prepare", layout, config, List.of(), files);
      StatsFile.write(conf, out.path(), "prepare", lineage.id(), stats);
      out.publish(lineage);
      return String.format("%,d users, %,d products, %,d (user, product) pairs -> %s",
          userCount, productCount, pairCount, layout.stageDir("prepare"));
    } finally {
      spark.conf().set(InteractionSource.COLUMN_PRUNING, pruning);
    }
  }

  private void write(Dataset<Row> interactions, Path out) {
    Dataset<Row> pairs = interactions.groupBy(RunLayout.USER_ID, RunLayout.PRODUCT_ID)
        .agg(InteractionValidator.asFloatWeight(combined()).as(RunLayout.WEIGHT), max(col(RunLayout.TIME))
            .as(RunLayout.TIME))
        // Read by the two dictionaries and the join: compute once, not three times from the raw input.
        .persist(StorageLevel.MEMORY_AND_DISK());
    SparkSession spark = interactions.sparkSession();
    try {
      // Each dictionary is written, then read back for the join: computed once (distinct, sort, index), not
      // again by the join.
      String users = new Path(out, RunLayout.USERS).toString();
      String products = new Path(out, RunLayout.PRODUCTS).toString();
      DenseIndex.of(pairs.select(RunLayout.USER_ID), RunLayout.USER_ID, RunLayout.USER_INDEX, "users")
          .write().parquet(users);
      DenseIndex.of(pairs.select(RunLayout.PRODUCT_ID), RunLayout.PRODUCT_ID, RunLayout.PRODUCT_INDEX, "products")
          .write().parquet(products);
      Dataset<Row> indexed = pairs.join(spark.read().parquet(users), RunLayout.USER_ID)
          .join(spark.read().parquet(products), RunLayout.PRODUCT_ID)
          .select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX, RunLayout.WEIGHT, RunLayout.TIME);
      if (!source.hasTime()) {
        indexed = indexed.drop(RunLayout.TIME);
      }
      indexed.write().parquet(new Path(out, RunLayout.INTERACTIONS).toString());
    } finally {
      pairs.unpersist();
    }
  }

  private Column combined() {
    return switch (aggregate) {
      case MAX -> max(col(RunLayout.WEIGHT));
      case COUNT -> count(col(RunLayout.WEIGHT));
      case SUM -> sum(col(RunLayout.WEIGHT));
    };
  }
}
