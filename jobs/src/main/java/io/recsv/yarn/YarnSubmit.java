package io.recsv.yarn;

import io.recsv.config.UserError;
import io.recsv.workflow.SparkSubmission;
import java.io.File;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.spark.launcher.AbstractLauncher;
import org.apache.spark.launcher.InProcessLauncher;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * Submits one stage to YARN and waits for its end: with the cluster's own {@code spark-submit} when
 * {@code sparkHome} is set, else with Spark's launcher library in this JVM (recsv's own Spark, cluster deploy mode
 * only). While it runs, a line every {@code every}: the application's id, state and tracking URL. Its result is the
 * application's final status as the ResourceManager reports it; anything but SUCCEEDED is an error naming the
 * application, its diagnostics and the command that fetches its logs.
 */
public final class YarnSubmit {

  private final Configuration hadoop;
  private final String sparkHome;
  private final Duration every;
  private final PrintStream err;
  /** An empty spark-defaults.conf for Spark's in-process launcher, made at the first submission. */
  private File noDefaults;

  /** @param sparkHome the cluster's Spark installation, or null for recsv's own jars */
  public YarnSubmit(Configuration hadoop, String sparkHome, Duration every, PrintStream err) {
    this.hadoop = hadoop;
    this.sparkHome = sparkHome;
    this.every = every;
    this.err = err;
  }

  /** The application's id once it ended SUCCEEDED; a {@link UserError} otherwise. */
  public String run(SparkSubmission submission) throws Exception {
    File submitLog = sparkHome == null ? null
        : File.createTempFile("recsv-spark-submit-" + submission.stage() + "-", ".log");
    AbstractLauncher<?> launcher;
    if (sparkHome == null) {
      // Spark's launcher reads SPARK_HOME/conf/spark-defaults.conf unless given a properties file: recsv's own
      // Spark has no installation, and no defaults beyond what the submission says.
      if (noDefaults == null) {
        noDefaults = File.createTempFile("recsv-spark-defaults-", ".conf");
        noDefaults.deleteOnExit();
      }
      launcher = new InProcessLauncher().setPropertiesFile(noDefaults.getPath());
    } else {
      launcher = new SparkLauncher().setSparkHome(sparkHome).redirectError().redirectOutput(submitLog);
    }
    launcher.setMaster(submission.master()).setDeployMode(submission.deployMode()).setAppName(submission.name())
        .setMainClass(submission.mainClass()).setAppResource(submission.jar());
    List<String> opts = submission.sparkOpts();
    for (int i = 0; i + 1 < opts.size(); i += 2) {
      launcher.addSparkArg(opts.get(i), opts.get(i + 1));
    }
    submission.files().forEach(launcher::addFile);
    launcher.addAppArgs(submission.args().toArray(String[]::new));

    CountDownLatch ended = new CountDownLatch(1);
    SparkAppHandle handle = launcher.startApplication(new SparkAppHandle.Listener() {
      @Override
      public void stateChanged(SparkAppHandle h) {
        if (h.getState().isFinal()) {
          ended.countDown();
        }
      }

      @Override
      public void infoChanged(SparkAppHandle h) {}
    });
    String stage = "[" + submission.stage() + "]";
    long started = System.nanoTime();
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(hadoop);
      yarn.start();
      boolean announced = false;
      long nextBeat = started + every.toNanos();
      while (!ended.await(200, TimeUnit.MILLISECONDS)) {
        if (every.isZero() || handle.getAppId() == null) {
          continue;
        }
        long now = System.nanoTime();
        if (!announced || now >= nextBeat) {
          ApplicationReport report = report(yarn, handle.getAppId());
          err.printf("%s %ds: YARN application %s %s in queue %s, %s%n", stage,
              TimeUnit.NANOSECONDS.toSeconds(now - started), report.getApplicationId(),
              report.getYarnApplicationState(), report.getQueue(), report.getTrackingUrl());
          announced = true;
          nextBeat = now + every.toNanos();
        }
      }
      String id = handle.getAppId();
      ApplicationReport report = id == null ? null : finalReport(yarn, id);
      if (report == null) {
        throw new UserError("stage " + submission.stage() + ": spark-submit ended " + handle.getState()
            + " before YARN accepted an application (" + (sparkHome == null ? "--verbose shows why" : "its output: "
            + submitLog) + ")");
      }
      if (report.getFinalApplicationStatus() != FinalApplicationStatus.SUCCEEDED) {
        throw new UserError("stage " + submission.stage() + ": YARN application " + id + " ended "
            + report.getFinalApplicationStatus() + ": " + firstLine(report.getDiagnostics())
            + "; its logs: yarn logs -applicationId " + id);
      }
      return id;
    } finally {
      handle.disconnect();
      if (submitLog != null && handle.getAppId() != null) {
        submitLog.delete();
      }
    }
  }

  private static ApplicationReport report(YarnClient yarn, String id) throws Exception {
    return id == null ? null : yarn.getApplicationReport(ApplicationId.fromString(id));
  }

  /** The report once the ResourceManager has the final status (it follows the launcher's by a heartbeat). */
  private static ApplicationReport finalReport(YarnClient yarn, String id) throws Exception {
    ApplicationReport report = report(yarn, id);
    for (int i = 0; i < 600 && report.getFinalApplicationStatus() == FinalApplicationStatus.UNDEFINED; i++) {
      Thread.sleep(100);
      report = report(yarn, id);
    }
    return report;
  }

  private static String firstLine(String text) {
    String s = text == null ? "" : text.strip();
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }
}
