package io.recsv.cli;

import com.typesafe.config.Config;
import io.recsv.common.SparkSessions;
import io.recsv.common.Stage;
import io.recsv.common.StageRunner;
import io.recsv.config.ConfigLoader;
import io.recsv.workflow.WorkflowDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Runs stages on one machine, in one Spark session, in the order workflow.xml defines, with the same configs
 * Oozie gives them (each stage's config/stages file, then the environment's).
 */
public final class LocalPipeline {

  private final Path home;
  private final WorkflowDefinition workflow;
  private final java.io.PrintStream gateOut;

  public LocalPipeline(Path home) {
    this(home, System.out);
  }

  /** {@code gateOut}: where the quality gate's verdict is printed. */
  LocalPipeline(Path home, java.io.PrintStream gateOut) {
    this.home = home;
    this.gateOut = gateOut;
    Path file = home.resolve("workflows/recommendations/workflow.xml");
    this.workflow = Files.isRegularFile(file) ? WorkflowDefinition.load(file) : WorkflowDefinition.fromClasspath();
  }

  List<String> stageNames() {
    return workflow.stageNames();
  }

  /** The stages from {@code from} (inclusive) to the end. */
  List<String> stagesFrom(String from) {
    List<String> names = workflow.stageNames();
    int at = names.indexOf(from);
    if (at < 0) {
      throw new io.recsv.common.UserError("unknown stage '" + from + "'; the workflow runs "
          + String.join(", ", names));
    }
    return names.subList(at, names.size());
  }

  /** Every config file in precedence order: stage files (workflow order), environment, then the user's. */
  public Config config(String env, List<String> userFiles, List<String> overrides) {
    List<String> files = new ArrayList<>();
    for (String stage : workflow.stageNames()) {
      Path stageConf = home.resolve("config/stages/" + stage + ".conf");
      if (Files.isRegularFile(stageConf)) {
        files.add(stageConf.toString());
      }
    }
    Path envConf = home.resolve("config/env/" + env + ".conf");
    if (!Files.isRegularFile(envConf)) {
      throw new io.recsv.common.UserError("no environment config " + envConf);
    }
    files.add(envConf.toString());
    files.addAll(userFiles);
    return ConfigLoader.load(files, overrides);
  }

  /**
   * The runner for these stages: constructs (validates) every stage and the run's settings, without running any.
   * {@code reusedMustMatchConfig}: earlier stages' outputs that are reused must have been made with today's
   * settings and input ({@code run --from}), not only chain ({@code stage}).
   */
  StageRunner runner(List<String> stages, Config config, String command, boolean reusedMustMatchConfig) {
    Map<String, Stage> jobs = new LinkedHashMap<>();
    for (String name : stages) {
      jobs.put(name, Stages.create(name, config));
    }
    StageRunner runner = new StageRunner(config, jobs, command, reusedMustMatchConfig);
    // The workflow's quality gate: the stage after the gated one runs only if the week may be published. A stage
    // run alone (debugging) is not gated; a run from a stage after the gate is.
    String gated = workflow.gatedStage();
    List<String> names = workflow.stageNames();
    if (gated != null && reusedMustMatchConfig && names.indexOf(gated) + 1 < names.size()) {
      runner.before(names.get(names.indexOf(gated) + 1), new QualityGate(config, gateOut));
    }
    return runner;
  }

  /** Runs the stages under the run's lock, after its checks; returns each stage's seconds. */
  Map<String, Double> run(StageRunner runner, Config config, StageRunner.Listener listener) throws Exception {
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();  // tests share theirs
    SparkSession spark = SparkSessions.create(config, "recsv");
    try {
      return runner.run(spark, listener);
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }
}
