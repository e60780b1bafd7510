package io.recsv.bench;

import io.recsv.als.KernelProbe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.spark.ml.recommendation.ALSModel;

/**
 * What this machine can do, measured in a few seconds, for the stages' limits: the scoring kernel's arithmetic
 * (GFLOP/s on one core, on the run's own factors), memory bandwidth (one core copying arrays far larger than its
 * caches) and disk bandwidth (a file written and flushed to the disk the work directory is on).
 */
record MachineProbe(double gflopsPerCore, double memoryBytesPerSecond, double diskWriteBytesPerSecond) {

  private static final int COPY_BYTES = 256 << 20;
  private static final long DISK_BYTES = 1L << 30;

  static MachineProbe measure(ALSModel model, Path dir) throws IOException {
    KernelProbe.Split split = KernelProbe.measure(model, 20_000, 100, 1024);
    double gflops = 2.0 * split.products() * split.rank() * split.users() / split.arithmeticSeconds() / 1e9;
    return new MachineProbe(gflops, memoryBandwidth(), diskWrite(dir));
  }

  /**
   * Seconds one core takes to parse {@code csv} (numbers, commas, newlines) in a bare loop over its bytes, read
   * through a buffer: the least that reading the interactions costs, without validation or any output.
   */
  static double parseSeconds(Path csv) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    long sum = 0;
    long lines = 0;
    long t0 = System.nanoTime();
    try (FileChannel in = FileChannel.open(csv, StandardOpenOption.READ)) {
      long value = 0;
      while (in.read(buffer) > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b >= '0' && b <= '9') {
            value = value * 10 + (b - '0');
          } else {
            sum += value;
            value = 0;
            if (b == '\n') {
              lines++;
            }
          }
        }
        buffer.clear();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (sum == 42 && lines == 42) {
      System.out.print("");  // keeps the loop's results alive
    }
    return seconds;
  }

  /** Bytes a second one core copies (read and written: twice the array), the faster of three copies. */
  private static double memoryBandwidth() {
    byte[] from = new byte[COPY_BYTES];
    byte[] to = new byte[COPY_BYTES];
    java.util.Arrays.fill(from, (byte) 1);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      long t0 = System.nanoTime();
      System.arraycopy(from, 0, to, 0, COPY_BYTES);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * COPY_BYTES / best;
  }

  /** Bytes a second written to a file in {@code dir} and flushed to its disk (fsync), 1 GiB. */
  private static double diskWrite(Path dir) throws IOException {
    Path file = dir.resolve("probe.bin");
    ByteBuffer block = ByteBuffer.allocateDirect(4 << 20);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long t0 = System.nanoTime();
      for (long written = 0; written < DISK_BYTES; written += block.capacity()) {
        block.clear();
        while (block.hasRemaining()) {
          out.write(block);
        }
      }
      out.force(true);
      return DISK_BYTES / ((System.nanoTime() - t0) / 1e9);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
