package io.recsv.merge;

import io.recsv.run.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Makes a file being written durable while it is written, so that the fsync before the atomic rename (a crash
 * must never publish a torn file) does not come on top of the copy. Every {@link StreamCopy#SYNC_EVERY} bytes
 * a background thread flushes what has been written so far; the copy goes on meanwhile, and the disk writes
 * while the next bytes are copied. {@link #finish} flushes the tail: a few MiB, not the whole file.
 * <p>Only one flush runs at a time; a request that arrives while one is running is dropped, since the next
 * flush covers those bytes too.
 */
final class BackgroundSync implements AutoCloseable {

  private final FileChannel channel;
  private final ExecutorService thread = DaemonThreads.pool(1, "recsv-merge-sync");
  private Future<?> running;
  private long requestedAt;

  BackgroundSync(FileChannel channel) {
    this.channel = channel;
  }

  /** Called with the bytes written so far; starts a flush when enough were written since the last one. */
  void wrote(long bytes) throws IOException {
    if (bytes - requestedAt < StreamCopy.SYNC_EVERY || (running != null && !running.isDone())) {
      return;
    }
    await();
    requestedAt = bytes;
    running = thread.submit(() -> {
      try {
        channel.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Returns once everything written is on disk, or throws the flush's error. */
  void finish() throws IOException {
    await();
    channel.force(false);
  }

  private void await() throws IOException {
    if (running == null) {
      return;
    }
    try {
      running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while syncing the merged file", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
          : new IOException("syncing the merged file failed", e.getCause());
    } finally {
      running = null;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
