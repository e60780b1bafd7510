package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.run.SparkSessions;
import io.recsv.run.Stage;
import io.recsv.run.StageRunner;
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
    this.workflow = workflow(home);
  }

  /** The workflow of this installation ({@code home}'s workflow.xml), else the one the jar carries. */
  static WorkflowDefinition workflow(Path home) {
    Path file = home.resolve("workflows/recommendations/workflow.xml");
    return Files.isRegularFile(file) ? WorkflowDefinition.load(file) : WorkflowDefinition.fromClasspath();
  }

  /** The stages workflow.xml runs, in its order (its actions are named as the stages are). */
  List<StageName> stageNames() {
    return workflow.stageNames().stream().map(StageName::of).toList();
  }

  /** The stages from {@code from} (inclusive) to the end. */
  List<StageName> stagesFrom(String from) {
    List<StageName> names = stageNames();
    int at = workflow.stageNames().indexOf(from);
    if (at < 0) {
      throw new io.recsv.config.UserError("unknown stage '" + from + "'; the workflow runs "
          + String.join(", ", workflow.stageNames()));
    }
    return names.subList(at, names.size());
  }

  /**
   * The configs of a local run, as Oozie gives them: each stage reads the files its action ships in workflow.xml
   * (its own config/stages file and any other it names, cluster.conf replaced by config/env/{@code env}.conf), then
   * the user's files and the overrides; so a key that works here works on the cluster. The run itself (run.*,
   * spark.*: one Spark session for every stage) reads the environment's, the user's files and the overrides.
   */
  public Configs configs(String env, List<String> userFiles, List<String> overrides) {
    Path envConf = home.resolve("config/env/" + env + ".conf");
    if (!Files.isRegularFile(envConf)) {
      throw new io.recsv.config.UserError("no environment config " + envConf);
    }
    return new Configs(envConf, userFiles, overrides);
  }

  /** See {@link #configs}. Each stage's config is loaded (and checked) once. */
  public final class Configs {
    private final Path envConf;
    private final List<String> userFiles;
    private final List<String> overrides;
    private final Map<StageName, Config> byStage = new java.util.EnumMap<>(StageName.class);
    private final Config run;

    private Configs(Path envConf, List<String> userFiles, List<String> overrides) {
      this.envConf = envConf;
      this.userFiles = userFiles;
      this.overrides = overrides;
      this.run = load(List.of());
    }

    /** The run's: run.*, spark.*, and what no stage file sets. */
    public Config run() {
      return run;
    }

    /** The config {@code stage} runs with: its action's files in workflow.xml, then the environment's. */
    public Config of(StageName stage) {
      return byStage.computeIfAbsent(stage, name -> {
        List<String> files = new ArrayList<>();
        for (String file : workflow.stage(name.id()).configFiles()) {
          if (!file.equals(WorkflowDefinition.ENVIRONMENT_CONFIG)) {
            files.add(home.resolve("config/stages/" + file).toString());
          }
        }
        return load(files);
      });
    }

    private Config load(List<String> stageFiles) {
      List<String> files = new ArrayList<>(stageFiles);
      files.add(envConf.toString());
      files.addAll(userFiles);
      return ConfigLoader.load(files, overrides);
    }
  }

  /**
   * The runner for these stages: constructs (validates) every stage and the run's settings, without running any.
   * {@code reusedMustMatchConfig}: earlier stages' outputs that are reused must have been made with today's
   * settings and input ({@code run --from}), not only chain ({@code stage}).
   */
  StageRunner runner(List<StageName> stages, Configs configs, String command, boolean reusedMustMatchConfig) {
    Map<StageName, Stage> jobs = new LinkedHashMap<>();
    for (StageName name : stages) {
      jobs.put(name, Stages.create(name, configs.of(name)));
    }
    StageRunner runner = new StageRunner(configs.run(), jobs, configs::of, command, reusedMustMatchConfig);
    // The workflow's quality gate: the stages after the gated one run only if the week may go on. A stage run alone
    // (debugging) is not gated; a run from a stage after the gate is, before its first stage.
    String firstGated = workflow.firstGated(stages.stream().map(StageName::id).toList());
    if (firstGated != null && reusedMustMatchConfig) {
      runner.before(StageName.of(firstGated), new QualityGate(configs.of(StageName.of(workflow.gatedStage())),
          gateOut));
    }
    return runner;
  }

  /** Runs the stages under the run's lock, after its checks; returns each stage's seconds. */
  Map<StageName, Double> run(StageRunner runner, Config config, StageRunner.Listener listener) throws Exception {
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
