package io.recsv.bench;

import io.recsv.merge.Strategy;
import io.recsv.merge.ChecksumMode;
import io.recsv.fs.HadoopConf;
import io.recsv.merge.MergeSettings;
import io.recsv.merge.MergeStep;
import io.recsv.merge.Merger;
import io.recsv.testing.MiniHdfs;
import io.recsv.testing.S3Server;
import io.recsv.testing.SyntheticParts;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recsv bench merge}: the merge stage against the usual ways of making one file, on the same parts in
 * the same run. On a MiniDFSCluster: stream-copy through one client (what copyMerge / getmerge / cat-and-put
 * do), Spark's coalesce(1) re-write, and recsv's concat merge. On the local file system: {@code cat parts >
 * out} (with and without sync), the JDK's transferTo, and recsv's copy merge. Prints seconds, throughput and
 * ratios.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "The merge against cat, transferTo, a streamed copy and Spark's coalesce(1), on the same parts.")
public final class MergeBench implements Callable<Integer> {

  @Option(names = "--mib", description = "total size of the parts, MiB (default ${DEFAULT-VALUE})")
  long mib = 1024;
  @Option(names = "--parts", description = "number of parts (default ${DEFAULT-VALUE})")
  int parts = 10;
  @Option(names = "--no-spark", description = "skip the Spark coalesce(1) baseline")
  boolean noSpark;
  @Option(names = "--rounds",
      description = "runs of each method, alternating; the best of each is reported (default ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(names = "--s3", description = "on a real S3 server (S3Proxy, in memory): the compose against one client"
      + " streaming the parts (recsv's verified copy), with the bytes each moved through the client")
  boolean s3;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    long bytes = mib << 20;
    long[] sizes = SyntheticParts.equalParts(parts, bytes);
    if (s3) {
      return s3(bytes, sizes);
    }
    out.printf("recsv bench merge: %d parts, %,d bytes (%d MiB)%n%n", parts, bytes, mib);

    try (MiniHdfs hdfs = new MiniHdfs(128L << 20)) {
      FileSystem fs = hdfs.fs();
      // concat consumes its parts: every timed merge gets its own copy of the same export, written up front.
      long t0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        SyntheticParts.write(fs, new Path("/bench/verify" + r), sizes, 128L << 20, 7);
        SyntheticParts.write(fs, new Path("/bench/record" + r), sizes, 128L << 20, 7);
      }
      out.printf("HDFS (MiniDFSCluster, 1 DataNode, 128 MiB blocks): wrote %d copies of the parts in %.2f s%n",
          2 * rounds, secs(t0));
      SyntheticParts.write(fs, new Path("/bench/warmup"), new long[] {1000, 1000}, 128L << 20, 1);

      // Before each timed run the disk is flushed, so that no run pays for the writes of the one before.
      double stream = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        shell("sync");
        t0 = System.nanoTime();
        streamCopy(fs, new Path("/bench/verify0/parts"), new Path("/bench/streamcopy.csv"));
        stream = Math.min(stream, secs(t0));
        fs.delete(new Path("/bench/streamcopy.csv"), false);
      }
      double coalesce = Double.NaN;
      if (!noSpark) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("bench-merge")
            .config("spark.hadoop.fs.defaultFS", hdfs.uri()).config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        shell("sync");
        t0 = System.nanoTime();
        spark.read().text(hdfs.uri() + "/bench/verify0/parts/part-*.csv").coalesce(1).write()
            .text(hdfs.uri() + "/bench/coalesce");
        coalesce = secs(t0);
        spark.stop();
      }

      // A first merge in a fresh JVM pays class loading (Jackson, HDFS client paths): measure it on a tiny
      // export, then the real ones warm. Both are printed.
      t0 = System.nanoTime();
      new Merger(hdfs.conf(), settings(hdfs.uri() + "/bench/warmup", hdfs.uri() + "/bench/out/w.csv", Strategy.CONCAT),
          MergeStep.Listener.NONE).merge();
      double cold = secs(t0);
      double verify = Double.MAX_VALUE;
      double record = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        shell("sync");
        verify = Math.min(verify, timeMerge(hdfs, "verify" + r, true));
        shell("sync");
        record = Math.min(record, timeMerge(hdfs, "record" + r, false));
      }

      out.printf("  best of %d; the last column is how many times faster than stream-copy%n", rounds);
      out.printf("  %-48s %9s %11s %10s%n", "method", "seconds", "MiB/s", "speed-up");
      row(out, "stream-copy through one client (copyMerge)", stream, mib, stream);
      if (!Double.isNaN(coalesce)) {
        row(out, "Spark coalesce(1) re-write (one run)", coalesce, mib, stream);
      }
      row(out, "recsv merge, checksum=verify (parts' HDFS CRCs)", verify, mib, stream);
      row(out, "recsv merge, checksum=record (length check)", record, mib, stream);
      out.printf("  (each recsv row is the whole stage: plan, journal, header, concat, verify, publish, manifest;%n"
          + "   the first merge in a fresh JVM, on 2 tiny parts: %.3f s, mostly class loading)%n", cold);
    }

    File dir = Files.createTempDirectory("recsv-bench-local").toFile();
    try {
      Configuration conf = new Configuration();
      Path export = new Path(dir.getAbsolutePath(), "export");
      FileSystem local = HadoopConf.forWriting(export, conf);
      SyntheticParts.write(local, export, sizes, 128L << 20, 7);
      double bestCat = Double.MAX_VALUE;
      double bestCatSync = Double.MAX_VALUE;
      double bestTransfer = Double.MAX_VALUE;
      double bestMerge = Double.MAX_VALUE;
      double bestNoSync = Double.MAX_VALUE;
      File catOut = new File(dir, "cat.csv");
      String cat = "cat " + dir + "/export/parts/part-*.csv > " + catOut;
      new Merger(conf, settings(export.toString(), dir + "/out/warm.csv", Strategy.COPY), MergeStep.Listener.NONE)
          .merge();  // warm-up
      new File(dir + "/out/warm.csv").delete();
      for (int r = 0; r < rounds; r++) {
        shell("sync");
        bestCat = Math.min(bestCat, shell(cat));
        catOut.delete();
        shell("sync");
        // recsv makes the merged file durable before the atomic rename (a crash must not publish a torn
        // file); cat + sync is the same guarantee.
        bestCatSync = Math.min(bestCatSync, shell(cat + " && sync " + catOut));
        catOut.delete();
        shell("sync");
        bestTransfer = Math.min(bestTransfer, transferTo(new File(dir, "export/parts"), catOut));
        catOut.delete();
        shell("sync");

        String output = dir + "/out/r" + r + ".csv";
        shell("sync");
        long t0 = System.nanoTime();
        new Merger(conf, settings(export.toString(), output, Strategy.COPY), MergeStep.Listener.NONE).merge();
        bestMerge = Math.min(bestMerge, secs(t0));
        new File(output).delete();
        shell("sync");

        t0 = System.nanoTime();
        new Merger(conf, settings(export.toString(), output, Strategy.COPY).withSync(false), MergeStep.Listener.NONE)
            .merge();
        bestNoSync = Math.min(bestNoSync, secs(t0));
        new File(output).delete();
      }
      out.printf("%nlocal file system (best of %d, alternating, the disk flushed before each):%n", rounds);
      out.printf("  %-48s %9s %11s %10s %12s%n", "method", "seconds", "MiB/s", "of cat", "of cat+sync");
      localRow(out, "cat parts > out (page cache only)", bestCat, mib, bestCat, bestCatSync);
      localRow(out, "cat parts > out && sync out (durable)", bestCatSync, mib, bestCat, bestCatSync);
      localRow(out, "FileChannel.transferTo (page cache only)", bestTransfer, mib, bestCat, bestCatSync);
      localRow(out, "recsv merge, merge.sync=true (durable)", bestMerge, mib, bestCat, bestCatSync);
      localRow(out, "recsv merge, merge.sync=false (page cache only)", bestNoSync, mib, bestCat, bestCatSync);
      out.println("  (recsv rows are the whole stage: plan, copy with CRC32C, check, rename, manifest)");
    } finally {
      FileUtil.fullyDelete(dir);
    }
    return 0;
  }

  /**
   * The same export on one S3 server, merged by compose and by the verified copy (every byte read from S3 and
   * written back through this JVM: what getmerge, copyMerge or a cat-and-put do), alternating; the bytes each moved
   * are s3a's own counts of what its streams read and wrote in this process.
   */
  private int s3(long bytes, long[] sizes) throws Exception {
    // S3Proxy keeps every object in memory: the parts, the upload's copies, and the completed CSV, which its store
    // assembles in one byte array (growing by doubling): about eight times the parts at the peak.
    int heapMib = (int) Math.max(1024, 8 * mib + 1024);
    try (S3Server server = new S3Server(heapMib)) {
      Configuration conf = server.conf(new Configuration());
      FileSystem fs = new Path(server.uri("")).getFileSystem(conf);
      String export = server.uri("bench/export");
      long t0 = System.nanoTime();
      SyntheticParts.write(fs, new Path(export), sizes, 128L << 20, 7, true);
      out.printf("S3 (S3Proxy %s, in memory, on this machine, through s3a): wrote the parts in %.2f s%n",
          "3.0.0", secs(t0));
      // Warm-up on a tiny export: class loading, the first connections.
      SyntheticParts.write(fs, new Path(server.uri("bench/warm/export")), new long[] {1000, 1000}, 128L << 20, 1, true);
      for (Strategy strategy : new Strategy[] {Strategy.COMPOSE, Strategy.COPY}) {
        new Merger(conf, settings(server.uri("bench/warm/export"), server.uri("bench/warm/" + strategy + "/w.csv"),
            strategy), MergeStep.Listener.NONE).merge();
      }
      fs.delete(new Path(server.uri("bench/warm")), true);
      double[] compose = {Double.MAX_VALUE, 0};
      double[] stream = {Double.MAX_VALUE, 0};
      for (int r = 0; r < rounds; r++) {
        String csv = server.uri("bench/compose/r" + r + ".csv");
        timeS3(fs, () -> new Merger(conf, settings(export, csv, Strategy.COMPOSE), MergeStep.Listener.NONE).merge(),
            compose);
        fs.delete(new Path(csv).getParent(), true);  // the server holds it in memory
        Path streamed = new Path(server.uri("bench/stream/r" + r + ".csv"));
        timeS3(fs, () -> streamCopy(fs, new Path(export, "parts"), streamed), stream);
        fs.delete(streamed.getParent(), true);
      }
      out.printf("  best of %d, alternating; the last column is how many times faster than stream-copy%n", rounds);
      out.printf("  %-48s %9s %11s %16s %10s%n", "method", "seconds", "MiB/s", "MiB via client", "speed-up");
      s3Row("stream-copy through one client (copyMerge)", stream, stream[0]);
      s3Row("recsv merge by compose (UploadPartCopy)", compose, stream[0]);
      out.println("  (the recsv row is the whole merge stage: plan, journal, compose, verify by ETags, complete,"
          + " manifest; MiB via client: what this JVM's s3a clients read and wrote, small files included)");
      fs.close();
    }
    return 0;
  }

  private interface Run {
    void run() throws IOException;
  }

  /** Times {@code merge}; keeps the best time in {@code best[0]} and that run's MiB through the client in [1]. */
  private static void timeS3(FileSystem fs, Run merge, double[] best) throws IOException {
    long before = s3aBytes();
    long t0 = System.nanoTime();
    merge.run();
    double seconds = secs(t0);
    if (seconds < best[0]) {
      best[0] = seconds;
      best[1] = (s3aBytes() - before) / 1048576.0;
    }
  }

  /** What every s3a client of this JVM has read and written so far. */
  @SuppressWarnings("deprecation")
  private static long s3aBytes() {
    FileSystem.Statistics stats = FileSystem.getStatistics("s3a", org.apache.hadoop.fs.s3a.S3AFileSystem.class);
    return stats.getBytesRead() + stats.getBytesWritten();
  }

  private void s3Row(String name, double[] best, double baseline) {
    out.printf("  %-48s %9.3f %11.0f %16.1f %9.1fx%n", name, best[0], mib / best[0], best[1], baseline / best[0]);
  }

  private static double timeMerge(MiniHdfs hdfs, String export, boolean verify) throws IOException {
    MergeSettings settings = settings(hdfs.uri() + "/bench/" + export, hdfs.uri() + "/bench/out/" + export + ".csv",
        Strategy.CONCAT).withChecksum(verify ? ChecksumMode.VERIFY : ChecksumMode.RECORD);
    long t0 = System.nanoTime();
    new Merger(hdfs.conf(), settings, MergeStep.Listener.NONE).merge();
    return secs(t0);
  }

  /** The JDK's zero-copy file transfer (sendfile on Linux, JDK 17), part after part into one file. */
  private static double transferTo(File partsDir, File target) throws IOException {
    File[] parts = partsDir.listFiles((d, name) -> name.startsWith("part-"));
    Arrays.sort(parts);
    long t0 = System.nanoTime();
    try (FileChannel out = FileChannel.open(target.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (File part : parts) {
        try (FileChannel in = FileChannel.open(part.toPath(), StandardOpenOption.READ)) {
          for (long done = 0, size = in.size(); done < size; ) {
            done += in.transferTo(done, size - done, out);
          }
        }
      }
    }
    return secs(t0);
  }

  private static void localRow(PrintStream out, String name, double seconds, long mib, double cat, double catSync) {
    out.printf("  %-48s %9.3f %11.0f %9.0f%% %11.0f%%%n", name, seconds, mib / seconds, 100 * cat / seconds,
        100 * catSync / seconds);
  }

  /** The bench's merge: output under its own directory, 644, no overwrite, the default block limit. */
  private static MergeSettings settings(String export, String output, Strategy strategy) {
    return new MergeSettings(export, output, new Path(output).getParent().toString(), strategy, false,
        new FsPermission((short) 0644), 0);
  }

  static double shell(String command) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("failed: " + command);
    }
    return secs(t0);
  }

  /** What FileUtil.copyMerge (removed in Hadoop 3) and getmerge do: every byte through one client. */
  static void streamCopy(FileSystem fs, Path partsDir, Path target) throws IOException {
    FileStatus[] parts = fs.listStatus(partsDir, p -> p.getName().startsWith("part-"));
    Arrays.sort(parts);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = fs.create(target, true)) {
      for (FileStatus part : parts) {
        try (InputStream in = fs.open(part.getPath())) {
          int n;
          while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
          }
        }
      }
    }
  }

  private static void row(PrintStream out, String name, double seconds, long mib, double streamCopy) {
    out.printf("  %-48s %9.3f %11.0f %9.1fx%n", name, seconds, mib / seconds, streamCopy / seconds);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

}
