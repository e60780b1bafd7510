package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import io.recsv.common.Outputs;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.config.Settings;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 1, prepare: validate the interactions, combine duplicate (user, product) pairs, and give users and
 * products dense int indices for ALS.
 * <p>Writes under {@code prepare.output}: {@code interactions/} (user_index, product_index, weight),
 * {@code users/} (user_id, user_index) and {@code products/} (product_id, product_index), all Parquet.
 */
public final class PrepareJob implements Stage {

  public static final String INTERACTIONS = "interactions";
  public static final String USERS = "users";
  public static final String PRODUCTS = "products";

  private final InteractionSource source;
  private final String aggregate;
  private final String output;

  public PrepareJob(Config config) {
    Settings s = new Settings(config);
    this.source = new InteractionSource(s);
    this.aggregate = s.oneOf("prepare.aggregate", "sum", "max", "count");
    this.output = s.requiredString("prepare.output");
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("prepare", args, PrepareJob::new);
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    InteractionValidator validator = new InteractionValidator(source);
    Dataset<Row> raw = source.read(spark);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      write(validator.parse(raw), conf);
    } catch (Exception e) {
      if (InteractionValidator.isInvalidRow(e)) {
        Outputs.abandon(conf, output);
        throw validator.explain(raw);
      }
      throw e;
    }
    long userCount = spark.read().parquet(output + "/" + USERS).count();
    long productCount = spark.read().parquet(output + "/" + PRODUCTS).count();
    long pairCount = spark.read().parquet(output + "/" + INTERACTIONS).count();
    return String.format("%,d users, %,d products, %,d (user, product) pairs -> %s",
        userCount, productCount, pairCount, output);
  }

  private void write(Dataset<Row> interactions, Configuration conf) throws IOException {
    Dataset<Row> pairs = interactions.groupBy(InteractionValidator.USER_ID, InteractionValidator.PRODUCT_ID)
        .agg(combined().cast(DataTypes.FloatType).as("weight"))
        // Read by the two dictionaries and the join: compute once, not three times from the raw input.
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> users = DenseIndex.of(pairs.select(InteractionValidator.USER_ID), "user_id", "user_index", "users");
    Dataset<Row> products = DenseIndex.of(pairs.select(InteractionValidator.PRODUCT_ID), "product_id",
        "product_index", "products");
    Dataset<Row> indexed = pairs.join(users, "user_id").join(products, "product_id")
        .select("user_index", "product_index", "weight");

    Path out = Outputs.begin(conf, output);
    try {
      users.write().parquet(new Path(out, USERS).toString());
      products.write().parquet(new Path(out, PRODUCTS).toString());
      indexed.write().parquet(new Path(out, INTERACTIONS).toString());
    } finally {
      pairs.unpersist();
    }
    Outputs.publish(conf, output);
  }

  private Column combined() {
    return switch (aggregate) {
      case "max" -> max(col(InteractionValidator.WEIGHT));
      case "count" -> count(col(InteractionValidator.WEIGHT));
      default -> sum(col(InteractionValidator.WEIGHT));
    };
  }
}
