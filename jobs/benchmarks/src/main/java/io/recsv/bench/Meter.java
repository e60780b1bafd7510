package io.recsv.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * What one measured step cost: wall seconds, shuffle bytes written (from Spark's task metrics, by a listener) and
 * the peak heap of the JVM (driver and, in local mode, executors), sampled every 50 ms.
 */
final class Meter {

  record Reading(double seconds, long shuffleBytes, long peakHeapBytes) {}

  private final AtomicLong shuffleBytes = new AtomicLong();

  Meter(SparkSession spark) {
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          shuffleBytes.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
        }
      }
    });
  }

  interface Step {
    void run() throws Exception;
  }

  Reading measure(Step step) throws Exception {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    AtomicLong peak = new AtomicLong(rt.totalMemory() - rt.freeMemory());
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-heap-sampler");
    sampler.setDaemon(true);
    long shuffleBefore = shuffleBytes.get();
    sampler.start();
    long t0 = System.nanoTime();
    try {
      step.run();
    } finally {
      sampler.interrupt();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // Task-end events arrive on the listener bus a little after the job: wait for it to drain.
    Thread.sleep(200);
    return new Reading(seconds, shuffleBytes.get() - shuffleBefore, peak.get());
  }
}
