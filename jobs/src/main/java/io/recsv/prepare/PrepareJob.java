package io.recsv.prepare;

import io.recsv.lineage.Counts;

import io.recsv.run.SparkSessions;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.lineage.InputListing;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.lineage.StageOutput;
import io.recsv.config.UserError;
import io.recsv.config.Settings;
import io.recsv.report.InputStats;
import io.recsv.report.StatsFile;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 1, prepare: validate the interactions, combine duplicate (user, product) pairs, and give users and
 * products dense int indices for ALS.
 * <p>Publishes the run's {@code prepare} directory: {@code interactions/} (user_index, product_index, weight, and
 * last_time, the pair's latest time, when prepare.columns.timestamp names one),
 * {@code users/} (user_id, user_index) and {@code products/} (product_id, product_index), all Parquet, and a
 * lineage record naming the input files (paths, sizes, modification times).
 */
public final class PrepareJob extends StageJob {

  /** {@code prepare.aggregate}: how the weights of one (user, product) pair's rows combine. */
  enum Aggregate { SUM, MAX, COUNT }

  private final InteractionSource source;
  private final Aggregate aggregate;

  public PrepareJob(Config config) {
    super(StageName.PREPARE, config);
    Settings s = new Settings(config);
    this.source = new InteractionSource(s);
    this.aggregate = s.enumValue("prepare.aggregate", Aggregate.class);
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.PREPARE, args, PrepareJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of();
  }

  @Override
  public void preflight(Configuration conf) throws IOException {
    InputListing.list(conf, "prepare.input", source.input);  // exists and is not empty
  }

  @Override
  public String run(StageContext context) throws IOException {
    SparkSession spark = context.spark();
    Configuration conf = context.hadoop();
    Lineage.InputFiles files = InputListing.list(conf, "prepare.input", source.input);
    String ansi = spark.conf().get(InteractionSource.ANSI, "false");
    spark.conf().set(InteractionSource.ANSI, "false");
    try {
      return prepare(context, files);
    } finally {
      spark.conf().set(InteractionSource.ANSI, ansi);
    }
  }

  private String prepare(StageContext context, Lineage.InputFiles files) throws IOException {
    SparkSession spark = context.spark();
    Configuration conf = context.hadoop();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = SparkSessions.shufflePartitions(spark);
    InteractionInput input = source.format == InteractionSource.Format.CSV ? CsvInput.open(jsc, source, files)
        : new ParquetInput(spark, source);
    StageOutput out = context.output();
    JavaRDD<PairBlock> blocks = null;
    try {
      // The one pass over the input: read, validate, bucket by user, combine each pair's rows, shuffle into
      // blocks (cached); the products' dictionary on the way. (Spark runs the shuffle as soon as the blocks' RDD
      // is asked for.)
      ProductIndex products;
      try {
        blocks = PairBlock.byUser(input.chunks(partitions, aggregate), partitions, aggregate)
            .persist(StorageLevel.MEMORY_AND_DISK());
        products = ProductIndex.of(blocks);
      } catch (Exception e) {  // Spark's SparkException is checked, though nothing declares it
        UserError explained = PairBlock.overflow(e, source.input);
        if (explained == null) {
          explained = input.explain(e);
        }
        if (explained != null) {
          throw explained;
        }
        throw e;
      }
      UserIndex users = UserIndex.of(blocks);
      if (users.pairs() == 0) {
        throw new UserError("prepare.input " + source.input + " has no interactions (" + files.files() + " file"
            + (files.files() == 1 ? "" : "s") + ", " + files.bytes() + " bytes: only a header?); nothing was written");
      }
      write(spark, blocks, users, products, out.path());
      InputStats stats = InputStats.of(users.count(), products.count(), users.pairs(), users.pairsPerUser(),
          products.pairsPerProduct());
      Lineage lineage = context.record(List.of(), files).withCounts(new Counts(
          users.pairs(), users.count(), products.count(), users.pairsPerUser().getOrDefault(products.count(), 0L)));
      StatsFile.write(conf, out.path(), StageName.PREPARE, lineage.id(), stats);
      out.publish(lineage);
      return String.format("%,d users, %,d products, %,d (user, product) pairs -> %s",
          users.count(), products.count(), users.pairs(), layout.stageDir(StageName.PREPARE));
    } catch (Exception e) {
      out.abandon();
      throw e;
    } finally {
      if (blocks != null) {
        blocks.unpersist(false);
      }
    }
  }

  /** The three datasets, from the cached blocks: no pass over the input, no shuffle. */
  private void write(SparkSession spark, JavaRDD<PairBlock> blocks, UserIndex users, ProductIndex products,
      Path out) {
    long[] firstIndex = users.firstIndex();
    Broadcast<long[]> productIds = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(products.ids());
    try {
      // Spark's own rows: a Row per pair converted by createDataFrame cost as much as the writing.
      JavaRDD<InternalRow> interactions = blocks.mapPartitionsWithIndex((block, it) ->
          it.next().interactionRows(firstIndex[block], firstIndex[block + 1], productIds.value()), true);
      spark.internalCreateDataFrame(interactions.rdd(), RunLayout.interactionsSchema(source.hasTime()), false)
          .write().parquet(new Path(out, RunLayout.INTERACTIONS).toString());
      JavaRDD<InternalRow> userRows = blocks.mapPartitionsWithIndex((block, it) -> it.next().userRows(
          firstIndex[block], firstIndex[block + 1]), true);
      spark.internalCreateDataFrame(userRows.rdd(), RunLayout.usersSchema(), false).write()
          .parquet(new Path(out, RunLayout.USERS).toString());
      // Each block's share of the products: spark.range's encoder alone cost a second of Scala reflection.
      int parts = blocks.getNumPartitions();
      int count = (int) products.count();
      JavaRDD<InternalRow> productRows = blocks.mapPartitionsWithIndex((block, it) -> {
        long[] ids = productIds.value();
        SpecificInternalRow row = new SpecificInternalRow(RunLayout.productsSchema());
        return IntStream.range((int) ((long) count * block / parts), (int) ((long) count * (block + 1) / parts))
            .mapToObj(index -> {
              row.setLong(0, ids[index]);
              row.setInt(1, index);
              return (InternalRow) row;
            }).iterator();
      }, true);
      spark.internalCreateDataFrame(productRows.rdd(), RunLayout.productsSchema(), false).write()
          .parquet(new Path(out, RunLayout.PRODUCTS).toString());
    } finally {
      productIds.destroy();
    }
  }
}
