package io.recsv.merge;

import com.typesafe.config.Config;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.config.Settings;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 5, merge: export's parts become one CSV with one header, published atomically under
 * {@code merge.output} with {@code merge.output.manifest.json} beside it. See {@link Merger}. Runs on the
 * driver alone (no executors needed); Spark is only the carrier of the Hadoop configuration.
 */
public final class MergeJob implements Stage {

  private final MergeSettings settings;

  public MergeJob(Config config) {
    this.settings = MergeSettings.from(new Settings(config));
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("merge", args, MergeJob::new);
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    CsvManifest m = new Merger(spark.sparkContext().hadoopConfiguration(), settings, MergeStep.Listener.NONE).merge();
    return String.format("%,d rows, %,d users, %,d bytes by %s -> %s", m.rows(), m.users(), m.bytes(),
        m.strategy(), settings.output());
  }
}
