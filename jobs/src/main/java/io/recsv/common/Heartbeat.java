package io.recsv.common;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/**
 * A sign of life while a stage runs: every {@code every}, one line with what Spark is doing, from its status
 * tracker (no listener on the hot path: it reads counters Spark keeps anyway), e.g.
 * {@code [train] 2m10s: Spark job 14, stage 31: 6/8 tasks (12 Spark jobs done in this stage)}. On a terminal
 * the line is redrawn in place; elsewhere (a log file, Oozie's launcher log) each beat is a line of its own.
 */
final class Heartbeat implements AutoCloseable {

  /** Set by the launcher when stderr is a terminal ({@code [ -t 2 ]}); Java cannot tell for stderr alone. */
  private static final boolean TERMINAL = Boolean.getBoolean("recsv.stderrIsTerminal");
  /** Back to the line's start and clear it (ANSI). */
  private static final String REDRAW = "\r\033[K";

  private final ScheduledExecutorService timer;
  private final PrintStream out;

  private Heartbeat(ScheduledExecutorService timer, PrintStream out) {
    this.timer = timer;
    this.out = out;
  }

  /** Starts beating for {@code stage}; a zero {@code every} beats never. */
  static Heartbeat start(SparkSession spark, String stage, Duration every, PrintStream out) {
    if (every.isZero()) {
      return new Heartbeat(null, out);
    }
    long started = System.nanoTime();
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    int before = lastJobId(tracker);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "recsv-heartbeat");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      String line = "[" + stage + "] " + elapsed(started) + ": " + doing(tracker, before);
      if (TERMINAL) {
        out.print(REDRAW + line);
        out.flush();
      } else {
        out.println(line);
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return new Heartbeat(timer, out);
  }

  /**
   * What Spark is doing now: its active jobs with their running stages' tasks done of all, and how many jobs
   * this stage has finished (jobs after {@code before}); many stages, ALS's above all, run many short jobs.
   */
  static String doing(SparkStatusTracker tracker, int before) {
    StringBuilder out = new StringBuilder();
    int[] active = tracker.getActiveJobIds();
    for (int jobId : active) {
      SparkJobInfo job = tracker.getJobInfo(jobId).getOrElse(() -> null);
      if (job == null) {
        continue;
      }
      out.append(out.length() == 0 ? "" : "; ").append("Spark job ").append(jobId);
      for (int stageId : job.stageIds()) {
        SparkStageInfo s = tracker.getStageInfo(stageId).getOrElse(() -> null);
        if (s != null && s.numActiveTasks() + s.numCompletedTasks() > 0 && s.numCompletedTasks() < s.numTasks()) {
          out.append(", stage ").append(stageId).append(": ").append(s.numCompletedTasks()).append('/')
              .append(s.numTasks()).append(" tasks");
        }
      }
    }
    int done = Math.max(0, lastJobId(tracker) - before - active.length);
    return (out.length() == 0 ? "between Spark jobs" : out.toString()) + " (" + done + " Spark job"
        + (done == 1 ? "" : "s") + " done in this stage)";
  }

  private static int lastJobId(SparkStatusTracker tracker) {
    int last = -1;
    for (int id : tracker.getJobIdsForGroup(null)) {
      last = Math.max(last, id);
    }
    return last;
  }

  private static String elapsed(long started) {
    long s = (System.nanoTime() - started) / 1_000_000_000L;
    return s >= 60 ? s / 60 + "m" + String.format("%02d", s % 60) + "s" : s + "s";
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(1, TimeUnit.SECONDS);  // a beat under way ends before the line is cleared
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (TERMINAL) {
        out.print(REDRAW);  // the stage's result line takes its place
        out.flush();
      }
    }
  }
}
