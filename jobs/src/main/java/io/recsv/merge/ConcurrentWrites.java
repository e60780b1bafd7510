package io.recsv.merge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a few independent file writes at the same time and returns when all are done. Used for the small files
 * of a merge, whose cost on HDFS is waiting, not work. The first failure is thrown, after every write ended.
 */
final class ConcurrentWrites {

  @FunctionalInterface
  interface Write {
    void run() throws IOException;
  }

  private ConcurrentWrites() {}

  static void run(Write... writes) throws IOException {
    ExecutorService threads = DaemonThreads.pool(writes.length, "recsv-merge-write");
    try {
      List<Future<Void>> running = new ArrayList<>();
      for (Write write : writes) {
        running.add(threads.submit(() -> {
          write.run();
          return null;
        }));
      }
      Throwable failed = null;
      for (Future<Void> write : running) {
        try {
          write.get();
        } catch (ExecutionException e) {
          if (failed == null) {
            failed = e.getCause();
          } else {
            failed.addSuppressed(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while writing the merge's files", e);
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
