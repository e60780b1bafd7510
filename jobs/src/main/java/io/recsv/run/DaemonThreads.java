package io.recsv.run;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/** recsv's helper threads: daemons, named for a thread dump, so they never keep a JVM alive. */
public final class DaemonThreads {

  private DaemonThreads() {}

  public static ExecutorService pool(int threads, String name) {
    return Executors.newFixedThreadPool(threads, named(name));
  }

  /** One thread for periodic work (a heartbeat). */
  public static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }

  private static ThreadFactory named(String name) {
    return new BasicThreadFactory.Builder().namingPattern(name).daemon(true).build();
  }
}
