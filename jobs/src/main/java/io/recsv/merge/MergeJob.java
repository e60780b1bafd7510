package io.recsv.merge;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.fs.HadoopConf;
import io.recsv.lineage.Lineage;
import io.recsv.run.PublishGate;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.config.Settings;
import io.recsv.report.Evaluation;
import io.recsv.report.EvaluationMetrics;
import io.recsv.report.RunReport;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Stage 5, merge: export's parts become one CSV with one header, published atomically under
 * {@code merge.output} with {@code merge.output.manifest.json} beside it, which carries the lineage of the whole
 * run, then the run's report ({@code .report.json} and {@code .report.html}, see {@link RunReport}). A week whose
 * quality gate refused it is not published unless on-call forces it ({@link PublishGate}). See {@link Merger}.
 * Runs on the driver alone (no executors needed); Spark is only the carrier of the Hadoop configuration.
 */
public final class MergeJob extends StageJob {

  private final MergeSettings settings;
  private final PublishGate gate;

  public MergeJob(Config config) {
    super(StageName.MERGE, config);
    Settings s = new Settings(config);
    this.settings = MergeSettings.from(s, layout);
    this.gate = new PublishGate(config);
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.MERGE, args, MergeJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of(StageName.EXPORT);
  }

  @Override
  public String run(StageContext context) throws IOException {
    Configuration conf = context.hadoop();
    List<Lineage> inputs = context.inputs(reads());
    Lineage lineage = context.record(inputs, null);
    CsvManifest m = new Merger(conf, settings, MergeStep.Listener.NONE, lineage, evaluation(conf)).merge();
    writeReport(conf, m);
    return String.format("%,d rows, %,d users, %,d bytes by %s -> %s", m.rows(), m.users(), m.bytes(),
        m.strategy().id(), settings.output());
  }

  /**
   * The run's evaluation, once the gate lets the week publish (by a verdict of the same data as the export);
   * null when the run was not evaluated.
   */
  private Evaluation evaluation(Configuration conf) throws IOException {
    if (!gate.evaluated(conf)) {
      return null;
    }
    PublishGate.Decision decision = gate.decide(conf, StageName.MERGE.id(), List.of(StageName.EXPORT,
        StageName.EVALUATE));
    return new Evaluation(EvaluationMetrics.readIfExists(conf, layout.metrics()), decision.forced());
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
          new RunReport.Csv(csv.getName(), m.rows(), m.users(), m.bytes()), m.evaluation());
      report.write(fs, csv, fs.getFileStatus(csv).getPermission());
    } catch (IOException | RuntimeException e) {
      throw new IOException("the CSV " + csv + " is published and verified, but its report could not be written ("
          + e.getMessage() + "); rerun the merge stage to write it", e);
    }
  }
}
