package io.recsv.merge;

import io.recsv.run.DaemonThreads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a few independent file system calls at the same time and returns when all are done. Used for the merge's
 * small files and checksum requests, whose cost on HDFS is waiting for round trips, not work. The first failure
 * is thrown, after every task ended.
 */
final class Concurrently {

  @FunctionalInterface
  interface Task {
    void run() throws IOException;
  }

  private Concurrently() {}

  static void run(List<Task> tasks) throws IOException {
    ExecutorService threads = DaemonThreads.pool(tasks.size(), "recsv-merge-io");
    try {
      List<Future<Void>> running = new ArrayList<>();
      for (Task task : tasks) {
        running.add(threads.submit(() -> {
          task.run();
          return null;
        }));
      }
      Throwable failed = null;
      for (Future<Void> task : running) {
        try {
          task.get();
        } catch (ExecutionException e) {
          if (failed == null) {
            failed = e.getCause();
          } else {
            failed.addSuppressed(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the merge's file system calls", e);
        }
      }
      if (failed instanceof IOException io) {
        throw io;
      } else if (failed instanceof RuntimeException rt) {
        throw rt;
      } else if (failed != null) {
        throw new IOException(failed);
      }
    } finally {
      threads.shutdown();
    }
  }
}
