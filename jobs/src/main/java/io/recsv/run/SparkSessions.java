package io.recsv.run;

import io.recsv.config.UserError;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import org.apache.hadoop.conf.Configuration;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session a stage runs in, from the {@code spark.*} keys. Hadoop applies its own umask
 * ({@code fs.permissions.umask-mode}, 022 unless set) to every file and directory it creates, whatever the
 * process's umask; the launcher passes the shell's ({@code -Drecsv.umask}), so local runs follow it.
 */
public final class SparkSessions {

  private static final String UMASK = "spark.hadoop.fs.permissions.umask-mode";

  private SparkSessions() {}

  /**
   * The Spark properties of {@code spark.conf}, by their own names: a key such as {@code "spark.executor.memory"}
   * is quoted in the config (its dots are not paths), and the quotes are not part of the name.
   */
  public static Map<String, String> sparkConf(Config config) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
      conf.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    return conf;
  }

  /**
   * The Hadoop settings the run's Spark gets (Hadoop's defaults and site files, then each {@code spark.hadoop.*}
   * key of {@code spark.conf} without its prefix, as Spark copies them), for what reads the run's files outside a
   * Spark session: the launcher's summary, report, show. S3 credentials or an HA name service given as
   * {@code --conf spark.hadoop.*} then reach those reads too.
   */
  public static Configuration hadoopConf(Config config) {
    Configuration conf = new Configuration();
    sparkConf(config).forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        conf.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    return conf;
  }

  /**
   * The reduce partitions of the shuffles a stage makes itself (prepare's blocks, evaluate's split, score's seen
   * lists and their join): {@code spark.sql.shuffle.partitions}, the number Spark's own joins and aggregations use,
   * so one setting sizes every shuffle of a run.
   */
  public static int shufflePartitions(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }

  public static SparkSession create(Config config, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    String master = config.getString("spark.master").trim();
    if (!master.isEmpty()) {
      builder.master(master);
    }
    String umask = System.getProperty("recsv.umask", "").trim();
    if (!umask.isEmpty()) {
      builder.config(UMASK, umask);
    }
    sparkConf(config).forEach(builder::config);  // may set UMASK
    SparkSession spark;
    try {
      spark = builder.getOrCreate();
    } catch (Exception e) {  // Scala throws SparkException, a checked exception, undeclared
      // A master Spark cannot parse (a typo in --master or spark.master) is the user's to fix: say which key.
      if (e instanceof org.apache.spark.SparkException && String.valueOf(e.getMessage()).contains("Master URL")) {
        throw new UserError("config key 'spark.master' (--master): Spark cannot start with master '" + master
            + "': " + e.getMessage() + " (local, local[N], local[*], yarn, spark://HOST:PORT, k8s://...)", e);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start Spark: " + e.getMessage(), e);
    }
    spark.sparkContext().setLogLevel(config.getString("spark.log-level"));
    return spark;
  }
}
