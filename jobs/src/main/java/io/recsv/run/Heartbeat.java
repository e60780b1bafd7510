package io.recsv.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * A sign of life while a stage runs: every {@code every}, one line with what Spark is doing, from its status
 * tracker and the metrics of finished tasks (nothing on the hot path: counters Spark keeps anyway), e.g.
 * {@code [train] 2m10s: Spark job 14, stage 31: 6/8 tasks, ~40s left in it; 1,234,567 rows read (9,500 rows/s)
 * (12 Spark jobs done in this stage)}. On a terminal
 * the line is redrawn in place; elsewhere (a log file, Oozie's launcher log) each beat is a line of its own.
 */
final class Heartbeat implements AutoCloseable {

  /** Set by the launcher when stderr is a terminal ({@code [ -t 2 ]}); Java cannot tell for stderr alone. */
  private static final boolean TERMINAL = Boolean.getBoolean("recsv.stderrIsTerminal");
  /** Back to the line's start and clear it (ANSI). */
  private static final String REDRAW = "\r\033[K";

  private final ScheduledExecutorService timer;
  private final PrintStream out;
  private final SparkSession spark;
  private final RowsRead rows;

  private Heartbeat(ScheduledExecutorService timer, PrintStream out, SparkSession spark, RowsRead rows) {
    this.timer = timer;
    this.out = out;
    this.spark = spark;
    this.rows = rows;
  }

  /** Starts beating for {@code stage}; a zero {@code every} beats never. */
  static Heartbeat start(SparkSession spark, String stage, Duration every, PrintStream out) {
    if (every.isZero()) {
      return new Heartbeat(null, out, spark, null);
    }
    long started = System.nanoTime();
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    int before = lastJobId(tracker);
    RowsRead rows = new RowsRead();
    spark.sparkContext().addSparkListener(rows);
    ScheduledExecutorService timer = DaemonThreads.scheduled("recsv-heartbeat");
    timer.scheduleAtFixedRate(() -> {
      double seconds = (System.nanoTime() - started) / 1e9;
      String line = "[" + stage + "] " + elapsed(seconds) + ": " + doing(tracker, before, System.currentTimeMillis(),
          rows.since(seconds));
      if (TERMINAL) {
        out.print(REDRAW + line);
        out.flush();
      } else {
        out.println(line);
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return new Heartbeat(timer, out, spark, rows);
  }

  /**
   * What Spark is doing now: its active jobs with their running stages' tasks done of all (and, once a task is
   * done, about how long that Spark stage has left at its pace so far), and how many jobs this stage has finished
   * (jobs after {@code before}); many stages, ALS's above all, run many short jobs.
   */
  static String doing(SparkStatusTracker tracker, int before, long nowMillis, String rowsRead) {
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
          if (s.numCompletedTasks() > 0 && s.submissionTime() > 0) {
            double perTask = (nowMillis - s.submissionTime()) / 1000.0 / s.numCompletedTasks();
            out.append(", ~").append(elapsed(perTask * (s.numTasks() - s.numCompletedTasks()))).append(" left in it");
          }
        }
      }
    }
    int done = Math.max(0, lastJobId(tracker) - before - active.length);
    return (out.length() == 0 ? "between Spark jobs" : out.toString()) + rowsRead + " (" + done + " Spark job"
        + (done == 1 ? "" : "s") + " done in this stage)";
  }

  /**
   * Rows the stage's finished tasks read (from input files and from shuffles), from the task metrics Spark
   * reports anyway: one addition per finished task.
   */
  static final class RowsRead extends SparkListener {
    private final LongAdder rows = new LongAdder();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        rows.add(end.taskMetrics().inputMetrics().recordsRead()
            + end.taskMetrics().shuffleReadMetrics().recordsRead());
      }
    }

    /** "; 1,200,000 rows read (400,000 rows/s)", or nothing before the first task ends. */
    String since(double seconds) {
      long n = rows.sum();
      return n == 0 ? "" : String.format("; %,d rows read (%,.0f rows/s)", n, n / Math.max(seconds, 1e-3));
    }
  }

  private static int lastJobId(SparkStatusTracker tracker) {
    int last = -1;
    for (int id : tracker.getJobIdsForGroup(null)) {
      last = Math.max(last, id);
    }
    return last;
  }

  private static String elapsed(double seconds) {
    long s = (long) seconds;
    return s >= 60 ? s / 60 + "m" + String.format("%02d", s % 60) + "s" : s + "s";
  }

  @Override
  public void close() {
    if (timer != null) {
      spark.sparkContext().removeSparkListener(rows);
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
