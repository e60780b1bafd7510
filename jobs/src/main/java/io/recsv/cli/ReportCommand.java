package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.fs.HadoopConf;
import io.recsv.lineage.RunLayout;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.merge.CsvManifest;
import io.recsv.report.RunReport;
import java.io.PrintStream;
import java.nio.file.Path;
import io.recsv.run.SparkSessions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code recsv report}: prints the summary of the report beside a published CSV, or writes it again. */
@Command(name = "report",
    header = "print a run's report (written beside the CSV as .report.html and .report.json), or redo it",
    description = "Prints the summary of the report beside the published CSV (FILE.report.json; FILE.report.html is"
        + " the page with the charts); without --csv, of the run's (--work; --run-id, default the only run there).")
final class ReportCommand extends RecsvCommand {

  @Option(names = "--csv", paramLabel = "FILE", description = "the published CSV")
  String csvFile;

  @Option(names = "--regenerate", description = "write both again from the run's outputs (--work, --run-id, the"
      + " run's config), e.g. after an older recsv made the CSV or the report could not be written")
  boolean regenerate;

  @Mixin
  RunOptions run;

  @Mixin
  ConfigOptions config;

  ReportCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    // As the merge that writes the report reads its settings.
    Config merge = ExistingRun.configs(home, run, config, StageName.SCORE).of(StageName.MERGE);
    org.apache.hadoop.fs.Path csv = new org.apache.hadoop.fs.Path(csvFile != null
        ? UserPaths.absolute(csvFile) : merge.getString("merge.output"));
    Configuration hadoop = SparkSessions.hadoopConf(merge);
    FileSystem fs = HadoopConf.forWriting(csv, hadoop);
    if (regenerate) {
      regenerate(hadoop, fs, csv, RunLayout.of(merge));
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
  private void regenerate(Configuration hadoop, FileSystem fs, org.apache.hadoop.fs.Path csv, RunLayout layout)
      throws Exception {
    CsvManifest manifest = CsvManifest.readIfExists(fs, csv);
    if (manifest == null || manifest.lineage() == null) {
      throw new UserError("report: " + CsvManifest.pathFor(csv) + " is missing or has no lineage; the report is"
          + " made from the run the manifest names");
    }
    if (!manifest.runId().equals(layout.runId())) {
      throw new UserError("report: " + csv + " was made by run '" + manifest.runId() + "', not run '"
          + layout.runId() + "'; pass --run-id " + manifest.runId());
    }
    RunReport.build(hadoop, layout, manifest.lineage(),
        new RunReport.Csv(csv.getName(), manifest.rows(), manifest.users(), manifest.bytes()), manifest.evaluation())
        .write(fs, csv, fs.getFileStatus(csv).getPermission());
    out.println("wrote " + RunReport.htmlFor(csv) + " and " + RunReport.jsonFor(csv).getName());
  }
}
