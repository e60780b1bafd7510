package io.recsv.cli;

import io.recsv.generate.Generator;

import com.typesafe.config.Config;
import io.recsv.run.StageRunner;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.merge.CsvManifest;
import io.recsv.report.RunReport;
import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.recsv.run.SparkSessions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recsv run}: every stage in the workflow's order, here or on YARN; with no --input, on a demo dataset. */
@Command(name = "run", header = "run the whole pipeline (with no options: on a generated demo dataset)",
    description = "Runs every stage in the order workflows/recommendations/workflow.xml defines. With no --input:"
        + " generates a demo dataset (10,000 users x 2,000 products) and runs every stage on it.",
    footer = "--run-id defaults to 'manual' ('demo' for the demo).")
final class RunCommand extends PipelineCommand {

  @Option(names = "--from", paramLabel = "STAGE",
      description = "rerun from STAGE on, reusing the earlier outputs of this --work and --run-id")
  String from;

  RunCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    LocalPipeline pipeline = new LocalPipeline(home, out);
    boolean demo = input == null;
    if (demo && master.isYarn()) {
      throw new UserError("run --master yarn: give --input, --work and --output on the cluster's file system (the"
          + " demo runs on one machine)");
    }
    String demoInput = null;
    List<String> defaults = new ArrayList<>();
    if (demo) {
      if (output != null) {
        throw new UserError("run: --output needs --input (the demo publishes under --work)");
      }
      demoInput = UserPaths.child(run.work, "demo-input/interactions.csv");
      defaults.addAll(List.of("prepare.input=" + demoInput, "merge.overwrite=true"));
      if (run.runId == null) {
        defaults.add("run.id=demo");
      }
    }
    LocalPipeline.Configs configs = configs(pipeline, defaults);
    List<StageName> stages = from == null ? pipeline.stageNames() : pipeline.stagesFrom(from);
    if (master.isYarn()) {
      runOnYarn(stages, configs, true);
      return 0;
    }
    // A mistake in the config fails now, before any data is generated.
    StageRunner runner = pipeline.runner(stages, configs, "recsv run", true);
    Configuration hadoop = SparkSessions.hadoopConf(configs.run());
    if (demoInput != null && !exists(demoInput, hadoop)) {
      long rows = new Generator(10_000, 2_000, 20, 42).write(hadoop, demoInput);
      out.printf("generated a demo dataset: %,d interactions of 10,000 users with 2,000 products -> %s%n",
          rows, demoInput);
    }
    pipeline.run(runner, configs.run(), progress());
    if (stages.contains(StageName.MERGE)) {
      summary(configs.of(StageName.MERGE));
    }
    return 0;
  }

  private static boolean exists(String path, Configuration hadoop) throws java.io.IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    return p.getFileSystem(hadoop).exists(p);
  }

  /** Where the CSV, its manifest and its report are, and the report's summary. */
  private void summary(Config config) throws Exception {
    org.apache.hadoop.fs.Path csv = new org.apache.hadoop.fs.Path(config.getString("merge.output"));
    FileSystem fs = csv.getFileSystem(SparkSessions.hadoopConf(config));
    out.println();
    out.println("CSV:      " + csv);
    out.println("manifest: " + CsvManifest.pathFor(csv));
    out.println("report:   " + RunReport.htmlFor(csv) + "  (a page to open in a browser; .json beside it)");
    for (String line : RunReport.read(fs, csv).summary()) {
      out.println(line);
    }
  }
}
