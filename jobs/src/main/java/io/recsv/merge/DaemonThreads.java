package io.recsv.merge;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Thread pools for the merge's helpers: daemons, named for a thread dump, so they never keep a JVM alive. */
final class DaemonThreads {

  private DaemonThreads() {}

  static ExecutorService pool(int threads, String name) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
