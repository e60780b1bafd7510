package io.recsv.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Creates the Spark session a stage runs in, from the {@code spark.*} keys. */
public final class SparkSessions {

  private SparkSessions() {}

  public static SparkSession create(Config config, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    String master = config.getString("spark.master").trim();
    if (!master.isEmpty()) {
      builder.master(master);
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
      builder.config(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel(config.getString("spark.log-level"));
    return spark;
  }
}
