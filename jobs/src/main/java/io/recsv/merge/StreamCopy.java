package io.recsv.merge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The copy strategy: header, then every part in order, streamed into one new file, with a CRC32C computed on
 * the way (no second read). On the local file system this is FileChannel I/O through one large direct buffer,
 * and with merge.sync the file is on disk before it is published ({@link BackgroundSync}); elsewhere, Hadoop
 * streams. Progress is logged every few seconds: bytes of the total, MiB/s and the time left.
 * <p>Why not {@code FileChannel.transferTo} ({@code sendfile} on JDK 17): it copies no faster than this loop
 * ({@code ./recsv bench merge} prints both), and this loop gets the CRC32C for free on the way.
 */
final class StreamCopy {

  private static final Logger LOG = LogManager.getLogger(StreamCopy.class);
  private static final int BUFFER = 256 << 10;
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;
  /** Bytes written between two background syncs: large enough to be few, small enough to overlap. */
  static final long SYNC_EVERY = 32L << 20;

  private final CRC32C crc = new CRC32C();
  private final boolean sync;
  private long bytes;
  private long total;
  private long started;
  private long lastLog;

  /** @param sync make the file durable before returning (merge.sync) */
  StreamCopy(boolean sync) {
    this.sync = sync;
  }

  /** Copies {@code head} (the header line, or nothing where part 0 holds it), then the parts; returns the CRC32C. */
  int copy(FileSystem partsFs, Path partsDir, List<PlannedPart> parts, byte[] head, FileSystem outFs, Path out)
      throws IOException {
    started = System.nanoTime();
    lastLog = started;
    total = head.length + parts.stream().mapToLong(PlannedPart::bytes).sum();
    if (partsFs instanceof RawLocalFileSystem in && outFs instanceof RawLocalFileSystem target) {
      copyLocal(in, partsDir, parts, head, target.pathToFile(out).toPath());
    } else {
      copyStreams(partsFs, partsDir, parts, head, outFs, out);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    LOG.info(String.format("copied %d parts, %,d bytes in %.2f s (%.0f MiB/s)", parts.size(), bytes, seconds,
        bytes / 1048576.0 / Math.max(seconds, 1e-9)));
    return (int) crc.getValue();
  }

  private void copyLocal(RawLocalFileSystem fs, Path partsDir, List<PlannedPart> parts, byte[] head,
      java.nio.file.Path out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    try (FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
        BackgroundSync background = sync ? new BackgroundSync(target) : null) {
      write(target, ByteBuffer.wrap(head));
      for (PlannedPart part : parts) {
        try (FileChannel source = FileChannel.open(fs.pathToFile(new Path(partsDir, part.name())).toPath(),
            StandardOpenOption.READ)) {
          while (source.read(buffer) >= 0) {
            buffer.flip();
            write(target, buffer);
            buffer.clear();
            if (background != null) {
              background.wrote(bytes);
            }
            progress();
          }
        }
      }
      if (background != null) {
        background.finish();
      }
    }
  }

  private void write(FileChannel target, ByteBuffer buffer) throws IOException {
    int n = buffer.remaining();
    crc.update(buffer.duplicate());
    while (buffer.hasRemaining()) {
      target.write(buffer);
    }
    bytes += n;
  }

  private void copyStreams(FileSystem partsFs, Path partsDir, List<PlannedPart> parts, byte[] head,
      FileSystem outFs, Path out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    try (FSDataOutputStream target = outFs.create(out, true, 1 << 16)) {
      target.write(head);
      crc.update(head);
      bytes += head.length;
      for (PlannedPart part : parts) {
        try (InputStream source = partsFs.open(new Path(partsDir, part.name()), 1 << 16)) {
          int n;
          while ((n = source.read(buffer)) > 0) {
            target.write(buffer, 0, n);
            crc.update(buffer, 0, n);
            bytes += n;
            progress();
          }
        }
      }
      // HDFS: the DataNodes write it to disk. Object stores cannot sync (their close publishes the object).
      if (sync && target.hasCapability(StreamCapabilities.HSYNC)) {
        target.hsync();
      }
    }
  }

  /** Every few seconds: e.g. {@code copy: 1.2 GiB of 80.0 GiB (1.5%), 410 MiB/s, 3m17s left}. */
  private void progress() {
    long now = System.nanoTime();
    if (now - lastLog >= LOG_EVERY_NANOS) {
      lastLog = now;
      LOG.info(progressLine(bytes, total, (now - started) / 1e9));
    }
  }

  static String progressLine(long done, long total, double seconds) {
    double rate = done / Math.max(seconds, 1e-9);
    String left = rate > 0 ? Duration.ofSeconds((long) Math.ceil((total - done) / rate)).toString()
        .substring(2).toLowerCase() : "?";
    return String.format("copy: %.1f GiB of %.1f GiB (%.1f%%), %.0f MiB/s, %s left", done / GIB, total / GIB,
        100.0 * done / Math.max(total, 1), rate / 1048576.0, left);
  }

  private static final double GIB = 1024.0 * 1024 * 1024;
}
