package io.recsv.oozie;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.oozie.action.ActionExecutorException;
import org.apache.oozie.client.WorkflowAction;
import org.jdom.Element;
import org.jdom.Namespace;

/**
 * Stands in for Oozie's spark action executor, which submits to YARN (and whose sharelib, Spark 2.4 in Oozie
 * 5.2.1, could not run recsv's Spark 3.5 jobs anyway). It receives each spark action exactly as the engine
 * evaluated it at its start, records what spark-submit would have been given (class, args, files), and
 * completes the action at once, as a YARN application with a made-up id: failed for the stage named in
 * {@link #failStage}, as SparkMain's failure is reported (JA018), so that the workflow's error path runs.
 */
public final class StandInSparkExecutor extends StandInExecutor {

  /** One spark action as the engine started it. */
  record Started(String stage, String mainClass, List<String> args, List<String> files, String applicationId,
      String jar) {}

  static final List<Started> STARTED = Collections.synchronizedList(new ArrayList<>());
  static volatile String failStage = "";
  /**
   * What the evaluate stage's quality gate says of each week (its gate.properties, written under the week's
   * run.root when evaluate "runs"): true lets the week publish.
   */
  static volatile boolean gatePasses = true;
  /** A stage that waits, once started, until {@link #hold} is released (a week caught mid-run). */
  static volatile String holdStage = "";
  static volatile java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(0);
  private static final AtomicInteger APPLICATIONS = new AtomicInteger();

  public StandInSparkExecutor() {
    super("spark");
  }

  @Override
  public void start(Context context, WorkflowAction action) throws ActionExecutorException {
    Element spark = parse(action.getConf());
    Namespace ns = spark.getNamespace();
    List<String> args = texts(spark, "arg");
    List<String> files = texts(spark, "file");
    String applicationId = String.format("application_1764000000000_%04d", APPLICATIONS.incrementAndGet());
    STARTED.add(new Started(action.getName(), spark.getChildText("class", ns), args, files, applicationId,
        spark.getChildText("jar", ns)));
    if (action.getName().equals("evaluate")) {
      writeVerdict(args);
    }
    if (action.getName().equals(holdStage)) {
      try {
        hold.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    context.setStartData(applicationId, "stand-in", "stand-in");
    context.setExecutionData(action.getName().equals(failStage) ? "FAILED" : SUCCEEDED, null);
  }

  @Override
  String error(Context context, WorkflowAction action) {
    return "Main Class [org.apache.oozie.action.hadoop.SparkMain], exit code [1]";
  }

  /** evaluate's gate.properties, as the real stage writes it, in ${run.root}/${run.id}/evaluate. */
  private static void writeVerdict(List<String> args) {
    String root = value(args, "run.root=");
    String runId = value(args, "run.id=");
    io.recsv.workflow.GateVerdict verdict = gatePasses
        ? new io.recsv.workflow.GateVerdict(io.recsv.workflow.GateVerdict.Verdict.PASS, "every rule passed")
        : new io.recsv.workflow.GateVerdict(io.recsv.workflow.GateVerdict.Verdict.FAIL,
            "ndcg@100 0.0535 is below 0.0939 (at least 1.10 x the popularity baseline's 0.0853)");
    try {
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(
          java.nio.file.Path.of(java.net.URI.create(root)).resolve(runId).resolve("evaluate"));
      try (var out = java.nio.file.Files.newOutputStream(dir.resolve(io.recsv.workflow.GateVerdict.FILE))) {
        verdict.write(out);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String value(List<String> args, String prefix) {
    return args.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + prefix + " argument: " + args));
  }
}
