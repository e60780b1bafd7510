package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.common.HadoopConf;
import io.recsv.common.RunLayout;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.merge.CsvManifest;
import io.recsv.report.RunReport;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/** {@code recsv report}: prints the summary of the report beside a published CSV, or writes it again. */
final class ReportCommand {

  private final PrintStream out;

  ReportCommand(PrintStream out) {
    this.out = out;
  }

  int run(Options o, Path home) throws Exception {
    o.refusePositional("report");
    // As the merge that writes the report reads its settings.
    Config config = ExistingRun.configs(home, o, StageName.SCORE).of(StageName.MERGE);
    org.apache.hadoop.fs.Path csv = new org.apache.hadoop.fs.Path(o.get("--csv") != null
        ? UserPaths.absolute(o.get("--csv")) : config.getString("merge.output"));
    FileSystem fs = HadoopConf.forWriting(csv, new Configuration());
    if (o.has("--regenerate")) {
      regenerate(fs, csv, RunLayout.of(config));
    } else if (!fs.exists(RunReport.jsonFor(csv))) {
      throw new UserError("report: no report beside " + csv + " (" + RunReport.jsonFor(csv).getName()
          + "); recsv report --regenerate writes it from the run's outputs");
    }
    RunReport report = RunReport.read(fs, csv);
    out.println("report of run " + report.runId() + ": " + RunReport.htmlFor(csv));
    for (String line : report.summary()) {
      out.println(line);
    }
    return 0;
  }

  /** From the lineage the CSV's manifest records, and the statistics of those outputs in the run. */
  private void regenerate(FileSystem fs, org.apache.hadoop.fs.Path csv, RunLayout layout) throws Exception {
    CsvManifest manifest = CsvManifest.readIfExists(fs, csv);
    if (manifest == null || manifest.lineage() == null) {
      throw new UserError("report: " + CsvManifest.pathFor(csv) + " is missing or has no lineage; the report is"
          + " made from the run the manifest names");
    }
    if (!manifest.runId().equals(layout.runId())) {
      throw new UserError("report: " + csv + " was made by run '" + manifest.runId() + "', not run '"
          + layout.runId() + "'; pass --run-id " + manifest.runId());
    }
    RunReport.build(new Configuration(), layout, manifest.lineage(),
        new RunReport.Csv(csv.getName(), manifest.rows(), manifest.users(), manifest.bytes()), manifest.evaluation())
        .write(fs, csv, fs.getFileStatus(csv).getPermission());
    out.println("wrote " + RunReport.htmlFor(csv) + " and " + RunReport.jsonFor(csv).getName());
  }
}
