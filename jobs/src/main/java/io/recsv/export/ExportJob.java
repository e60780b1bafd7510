package io.recsv.export;

import io.recsv.lineage.Counts;

import io.recsv.workflow.StageName;
import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.recsv.lineage.ExportManifest;
import io.recsv.fs.HadoopConf;
import io.recsv.fs.ServerSideCompose;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.lineage.StageOutput;
import io.recsv.config.UserError;
import io.recsv.config.Settings;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 4, export: maps indices back to the original 64-bit ids and writes the CSV as parts, in parallel
 * (one task per part, never a single-partition funnel). Each user's rows land in exactly one part, together
 * and in rank order. Publishes the run's {@code export} directory: {@code parts/part-NNNNN.csv} and
 * {@code manifest.json}. Score's rows and prepare's dictionaries must be of one chain: joined otherwise, every
 * user would get another user's products.
 */
public final class ExportJob extends StageJob {

  private static final Logger LOG = LogManager.getLogger(ExportJob.class);
  public static final String HEADER = "user_id,product_id,score";
  /** More parts than this is more tasks and files than any size needs (Spark's driver runs out of memory first). */
  static final int MAX_PARTS = 100_000;

  private final int parts;
  private final int scoreDecimals;

  public ExportJob(Config config) {
    super(StageName.EXPORT, config);
    Settings s = new Settings(config);
    this.parts = s.intBetween("export.parts", 0, MAX_PARTS, "each part is a Spark task and a file that the merge"
        + " joins; 0 = one a core");
    this.scoreDecimals = s.intAtLeast("export.score-decimals", 0);
    if (scoreDecimals > ScoreFormat.MAX_DECIMALS) {
      throw new UserError("config key 'export.score-decimals' must be at most "
          + ScoreFormat.MAX_DECIMALS + ", got " + scoreDecimals);
    }
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.EXPORT, args, ExportJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of(StageName.SCORE, StageName.PREPARE);
  }

  /**
   * The counts chain: every row and user of score's output became a CSV row and user. A user missing from
   * prepare's user dictionary has no id to print: the writer leaves it out, and this check refuses the export.
   */
  private static Counts requireEveryScoreRow(Lineage score, ExportManifest written) {
    String because = "every row of score's output, whose ids are in prepare's dictionaries";
    Counts.requireChained(StageName.EXPORT, "rows", written.rows(), score.counts().rows(), score, because,
        StageName.PREPARE);
    Counts.requireChained(StageName.EXPORT, "users", written.users(), score.counts().users(), score, because,
        StageName.PREPARE);
    return new Counts(written.rows(), written.users(), null, null);
  }

  /**
   * The parts to write: {@code wanted}, or for a compose on S3 as near to it as S3's part rules allow for the
   * sizes {@code rows} rows can take (each row between its shortest and longest printing), said in the log.
   */
  private int partCount(int wanted, boolean compose, long rows) {
    if (!compose) {
      return wanted;
    }
    int score = scoreDecimals > 0 ? scoreDecimals + 2 : 1;
    long shortest = 1 + 1 + score + 3;  // one-digit ids, two commas and a newline
    long longest = 20 + 20 + score + 3;  // 64-bit ids with their sign
    int count = ServerSideCompose.partsFor(wanted, rows * shortest, rows * longest);
    if (count != wanted) {
      LOG.info(String.format("export: %d parts instead of %d, so that S3 can compose the CSV from them (each part"
          + " at least twice its 5 MiB minimum, at most 10,000): %,d rows take %,d to %,d bytes", count, wanted,
          rows, rows * shortest, rows * longest));
    }
    return count;
  }

  /**
   * prepare's product dictionary as an array, a product's id at its index (the indices are dense: 0 to the
   * catalogue's size less one, in the order of the ids); refused otherwise, naming the dictionary.
   */
  private long[] productIds(SparkSession spark) {
    List<Row> dictionary = spark.read().parquet(layout.products().toString())
        .select(RunLayout.PRODUCT_INDEX, RunLayout.PRODUCT_ID).collectAsList();
    long[] ids = new long[dictionary.size()];
    boolean[] filled = new boolean[ids.length];
    for (Row r : dictionary) {
      int index = r.getInt(0);
      if (index < 0 || index >= ids.length || filled[index]) {
        throw new UserError(String.format("prepare's product dictionary %s has index %d among %,d products: its"
            + " indices must be 0 to %,d, each once; rerun from 'prepare'", layout.products(), index, ids.length,
            ids.length - 1));
      }
      ids[index] = r.getLong(1);
      filled[index] = true;
    }
    return ids;
  }

  @Override
  public String run(StageContext context) throws IOException {
    SparkSession spark = context.spark();
    Configuration conf = context.hadoop();
    List<Lineage> inputs = context.inputs(reads());
    Dataset<Row> lists = spark.read().parquet(layout.top().toString())
        .select(RunLayout.USER_INDEX, TopLists.PRODUCTS, TopLists.SCORES);
    Dataset<Row> users = spark.read().parquet(layout.users().toString());

    Lineage score = inputs.get(reads().indexOf(StageName.SCORE));
    // On S3 the merge composes the CSV from the parts on the servers: part 0 then begins with the header (a part
    // of its own would be below S3's minimum part size) and the parts are sized by S3's rules.
    boolean compose = ServerSideCompose.applies(layout.exportDir(), layout.published(), conf);
    int partCount = partCount(parts > 0 ? parts : spark.sparkContext().defaultParallelism(), compose,
        score.counts().rows());
    // Score's output is one row per user (40M rows at 40M users, not 4 billion): it is shuffled once, by user into
    // the parts, and sorted there by user. The user dictionary is partitioned the same way, so that each part's
    // task finds its users' ids in its own share of it (one row per user on each side). The product ids reach the
    // writer as one array, broadcast: a product's id is at its index. The two sides are paired part by part
    // (zipPartitions), not by a Spark join: for a join of two shuffles Spark would pick spark.sql.shuffle.partitions
    // for both, not the parts asked for.
    JavaRDD<InternalRow> partLists = lists.repartition(partCount, col(RunLayout.USER_INDEX))
        .sortWithinPartitions(RunLayout.USER_INDEX).queryExecution().toRdd().toJavaRDD();
    JavaRDD<InternalRow> partUsers = users.select(RunLayout.USER_INDEX, RunLayout.USER_ID)
        .repartition(partCount, col(RunLayout.USER_INDEX)).queryExecution().toRdd().toJavaRDD();
    Broadcast<long[]> productIds = new JavaSparkContext(spark.sparkContext()).broadcast(productIds(spark));

    StageOutput stageOut = context.output();
    Path out = stageOut.path();
    Path partsDir = new Path(out, ExportManifest.PARTS_DIR);
    PartWriter writer = new PartWriter(new SerializableConfiguration(conf), partsDir.toString(), scoreDecimals,
        compose ? HEADER : null, productIds);
    FlatMapFunction2<Iterator<InternalRow>, Iterator<InternalRow>, ExportManifest.Part> writePart =
        (userLists, userIds) -> List.of(writer.write(TaskContext.getPartitionId(), userLists, userIds)).iterator();
    // Spark's own rows, read in place: a million users' arrays converted to Row objects cost seconds.
    List<ExportManifest.Part> written = new ArrayList<>(partLists.zipPartitions(partUsers, writePart).collect());
    productIds.destroy();
    written.sort(Comparator.comparingInt(ExportManifest.Part::index));
    // No score rows (every user has seen the whole catalogue) means no part, and the header-only CSV the contract
    // allows: the parts directory is there, empty.
    HadoopConf.forWriting(partsDir, conf).mkdirs(partsDir);
    HadoopConf.forWriting(partsDir, conf).delete(new Path(partsDir, "_attempts"), true);

    ExportManifest manifest = new ExportManifest(ExportManifest.FORMAT, layout.runId(), UUID.randomUUID().toString(),
        Instant.now().toString(), HEADER, scoreDecimals,
        written.stream().mapToLong(ExportManifest.Part::rows).sum(),
        written.stream().mapToLong(ExportManifest.Part::users).sum(),
        written.stream().mapToLong(ExportManifest.Part::bytes).sum(), compose && !written.isEmpty(), written);
    Counts counts = requireEveryScoreRow(score, manifest);
    manifest.write(HadoopConf.forWriting(out, conf), new Path(out, ExportManifest.FILE));
    // The parts are named by the manifest (lengths, CRC32C), which the merge checks before it consumes them.
    stageOut.publish(context.record(inputs, null).withCounts(counts),
        List.of(ExportManifest.PARTS_DIR));
    return String.format("%,d rows, %,d users, %,d bytes in %d parts -> %s/%s", manifest.rows(),
        manifest.users(), manifest.bytes(), written.size(), layout.exportDir(), ExportManifest.PARTS_DIR);
  }
}
