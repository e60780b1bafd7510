package io.recsv.merge;

import com.typesafe.config.Config;
import io.recsv.common.HadoopConf;
import io.recsv.common.Lineage;
import io.recsv.common.RunLayout;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.config.Settings;
import io.recsv.report.RunReport;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 5, merge: export's parts become one CSV with one header, published atomically under
 * {@code merge.output} with {@code merge.output.manifest.json} beside it, which carries the lineage of the whole
 * run, then the run's report ({@code .report.json} and {@code .report.html}, see {@link RunReport}). See {@link Merger}. Runs on the driver alone (no executors needed); Spark is only the carrier of the Hadoop
 * configuration.
 */
public final class MergeJob implements Stage {

  private final Config config;
  private final RunLayout layout;
  private final MergeSettings settings;

  public MergeJob(Config config) {
    this.config = config;
    this.layout = RunLayout.of(config);
    this.settings = MergeSettings.from(new Settings(config));
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("merge", args, MergeJob::new);
  }

  @Override
  public List<String> reads() {
    return List.of("export");
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<Lineage> inputs = Lineage.readChained(conf, layout, "merge", reads());
    Lineage lineage = Lineage.of("merge", layout, config, inputs, null);
    CsvManifest m = new Merger(conf, settings, MergeStep.Listener.NONE, lineage).merge();
    writeReport(conf, m);
    return String.format("%,d rows, %,d users, %,d bytes by %s -> %s", m.rows(), m.users(), m.bytes(),
        m.strategy(), settings.output());
  }

  /**
   * The run's report beside the CSV, with the CSV's permissions. After the CSV: it describes what was published.
   * Should it fail, the CSV stands (verified, with its manifest) and a rerun of merge writes the report alone.
   */
  private void writeReport(Configuration conf, CsvManifest m) throws IOException {
    org.apache.hadoop.fs.Path csv = new org.apache.hadoop.fs.Path(settings.output());
    FileSystem fs = HadoopConf.forWriting(csv, conf);  // locally: no .crc files beside them, as beside the CSV
    try {
      RunReport report = RunReport.build(conf, layout, m.lineage(),
          new RunReport.Csv(csv.getName(), m.rows(), m.users(), m.bytes()));
      report.write(fs, csv, fs.getFileStatus(csv).getPermission());
    } catch (IOException | RuntimeException e) {
      throw new IOException("the CSV " + csv + " is published and verified, but its report could not be written ("
          + e.getMessage() + "); rerun the merge stage to write it", e);
    }
  }
}
