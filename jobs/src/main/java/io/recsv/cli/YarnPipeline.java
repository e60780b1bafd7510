package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.run.PublishGate;
import io.recsv.run.SparkSessions;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.ops.OozieApp;
import io.recsv.workflow.SparkActions;
import io.recsv.workflow.SparkSubmission;
import io.recsv.workflow.WorkflowDefinition;
import io.recsv.yarn.SparkJars;
import io.recsv.yarn.YarnSubmit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code ./recsv run|stage --master yarn} from an edge node: each stage a YARN application in cluster deploy mode,
 * submitted as the Oozie workflow's action for it is evaluated (the same class, arguments, config files with their
 * links, cluster.conf and spark-opts), with the run's paths, the user's {@code -D} overrides and {@code --config}
 * files after the action's own, and the stage's {@code spark.conf} (cluster.conf's, the user's files', {@code -D
 * spark.conf.*} and {@code --conf}) as Spark properties at submission, where resources must be known. The
 * quality gate between evaluate and train is the local run's ({@link QualityGate}). Each stage's main takes the
 * run's lock and checks its inputs itself, as under Oozie.
 */
final class YarnPipeline {

  private final Path home;
  private final PrintStream out;
  private final PrintStream err;
  private final WorkflowDefinition workflow;

  YarnPipeline(Path home, PrintStream out, PrintStream err) {
    this.home = home;
    this.out = out;
    this.err = err;
    this.workflow = LocalPipeline.workflow(home);
  }

  /** {@code gated}: the workflow's quality gate decides before the first stage after evaluate (not for one stage). */
  void run(List<StageName> stages, LocalPipeline.Configs configs, MasterOptions master, List<String> userFiles,
      List<String> userOverrides, String output, boolean gated) throws Exception {
    Config run = configs.run();
    for (String key : List.of("run.root", "prepare.input", "merge.output-root")) {
      String path = run.getString(key);
      if (!path.isEmpty() && (!UserPaths.isUri(path) || path.startsWith("file:"))) {
        throw new UserError("--master yarn: " + key + " is '" + path + "', a path on this machine; the stages run on"
            + " the cluster's nodes: give a path of the cluster's file system, e.g. hdfs://namenode/... (--work,"
            + " --input, --output)");
      }
    }
    if (System.getenv("HADOOP_CONF_DIR") == null && System.getenv("YARN_CONF_DIR") == null) {
      throw new UserError("--master yarn needs the cluster's client configuration: set HADOOP_CONF_DIR (or"
          + " YARN_CONF_DIR) to the directory of its core-site.xml and yarn-site.xml");
    }
    Configuration hadoop = new Configuration();
    Path app = stagedApp();
    try {
      submit(stages, configs, master, userFiles, userOverrides, output, gated, hadoop, app);
    } finally {
      try (var files = Files.walk(app)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void submit(List<StageName> stages, LocalPipeline.Configs configs, MasterOptions master,
      List<String> userFiles, List<String> userOverrides, String output, boolean gated, Configuration hadoop, Path app)
      throws Exception {
    Config run = configs.run();
    Properties job = new Properties();
    job.put("appPath", app.toUri().toString().replaceAll("/$", ""));
    job.put("runId", run.getString("run.id"));
    job.put("runRoot", run.getString("run.root"));
    job.put("outputRoot", run.getString("merge.output-root"));
    job.put("inputPath", run.getString("prepare.input"));
    job.put("mergeOverwrite", String.valueOf(run.getBoolean("merge.overwrite")));
    job.put("gateForce", String.valueOf(new PublishGate(run).force()));
    job.put("sparkJavaHome", master.javaHome != null ? master.javaHome : System.getProperty("java.home"));
    if (master.queue != null) {
      job.put("queueName", master.queue);
    }
    List<String> sparkOpts = new ArrayList<>();
    String sparkHome = System.getenv("SPARK_HOME");
    if (sparkHome == null || sparkHome.isEmpty()) {
      sparkHome = null;
      sparkOpts.addAll(List.of("--conf", "spark.yarn.jars=" + SparkJars.stage(hadoop,
          new org.apache.hadoop.fs.Path(run.getString("run.root"), ".recsv-spark"), SparkJars.of(home))));
    }
    // The user's files and overrides come after the action's own (a later one wins), as in a local run.
    List<String> files = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (int i = 0; i < userFiles.size(); i++) {
      // Linked under a name of its own: YARN's distributed cache takes one file of a name (a user's cluster.conf
      // would collide with the application's).
      String link = "user-" + (i + 1) + ".conf";
      Path linked = app.resolve("config/user/" + link);
      Files.createDirectories(linked.getParent());
      Files.createSymbolicLink(linked, Path.of(userFiles.get(i)).toAbsolutePath());
      files.add(linked.toUri() + "#" + link);
      args.addAll(List.of("--config", link));
    }
    if (output != null) {
      args.add("merge.output=" + run.getString("merge.output"));
    }
    args.addAll(userOverrides);

    Map<StageName, SparkSubmission> actions = new LinkedHashMap<>();
    for (SparkSubmission s : SparkActions.evaluate(workflow, job)) {
      // The stage's spark.conf (its config files, cluster.conf, the user's --config, -D and --conf) at submission,
      // where the driver's and executors' resources must be known.
      StageName stage = StageName.of(s.stage());
      actions.put(stage, s.withSparkConf(SparkSessions.sparkConf(configs.of(stage))).withSparkOpts(sparkOpts)
          .withFiles(files).withArgs(args));
    }
    YarnSubmit submit = new YarnSubmit(hadoop, sparkHome, run.getDuration("run.progress-every"), err);
    String firstGated = workflow.firstGated(stages.stream().map(StageName::id).toList());
    for (StageName stage : stages) {
      if (gated && stage.id().equals(firstGated)) {
        new QualityGate(configs.of(StageName.of(workflow.gatedStage())), out).check(hadoop);
      }
      out.printf("[%s] running on YARN...%n", stage);
      long started = System.nanoTime();
      String id = submit.run(actions.get(stage));
      out.printf("[%s] done in %.1f s: YARN application %s SUCCEEDED%n", stage,
          (System.nanoTime() - started) / 1e9, id);
    }
  }

  /** The application's files as deploy lays them out (config/, lib/), linked from this installation. */
  private Path stagedApp() throws IOException {
    Path dir = Files.createTempDirectory("recsv-app");
    for (OozieApp.Entry e : OozieApp.entries(home, clusterJar())) {
      Path link = dir.resolve(e.target());
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, e.source().toAbsolutePath());
    }
    return dir;
  }

  /** The jar the stages run from on a cluster (the one deploy puts in the application's lib/). */
  private Path clusterJar() throws IOException {
    try (var jars = Files.list(home.resolve("jobs/target"))) {
      return jars.filter(p -> p.getFileName().toString().matches("recsv-jobs-.*-cluster\\.jar")).findFirst()
          .orElseThrow(() -> new UserError("no cluster jar in " + home.resolve("jobs/target") + " (build it: mvn"
              + " -DskipTests package)"));
    }
  }

}
