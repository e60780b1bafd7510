package io.recsv.bench;

import io.recsv.common.HadoopConf;
import io.recsv.merge.MergeSettings;
import io.recsv.merge.MergeStep;
import io.recsv.merge.Merger;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;

/**
 * {@code recsv bench merge}: the merge stage against the usual ways of making one file, on the same parts in
 * the same run. On a MiniDFSCluster: stream-copy through one client (what copyMerge / getmerge / cat-and-put
 * do), Spark's coalesce(1) re-write, and recsv's concat merge. On the local file system: {@code cat parts >
 * out} and recsv's copy merge. Prints seconds, throughput and ratios.
 */
public final class MergeBench {

  private static final String USAGE = String.join("\n",
      "usage: recsv bench merge [--mib N] [--parts P] [--no-spark] [--rounds R]",
      "  --mib N     total size of the parts, MiB (default 1024)",
      "  --parts P   number of parts (default 10)",
      "  --no-spark  skip the Spark coalesce(1) baseline",
      "  --rounds R  local cat / cat+sync / merge rounds, alternating; the best of each is reported (default 3)");

  private MergeBench() {}

  public static int run(List<String> args, PrintStream out) throws Exception {
    if (args.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    checkOptions("bench merge", args, Set.of("--mib", "--parts", "--rounds"), Set.of("--no-spark"));
    long mib = longArg(args, "--mib", 1024);
    int parts = (int) longArg(args, "--parts", 10);
    int rounds = (int) longArg(args, "--rounds", 3);
    long bytes = mib << 20;
    long[] sizes = SyntheticParts.equalParts(parts, bytes);
    out.printf("recsv bench merge: %d parts, %,d bytes (%d MiB)%n%n", parts, bytes, mib);

    try (MiniHdfs hdfs = new MiniHdfs(128L << 20)) {
      FileSystem fs = hdfs.fs();
      Path export = new Path("/bench/export");
      long t0 = System.nanoTime();
      SyntheticParts.write(fs, export, sizes, 128L << 20, 7);
      out.printf("HDFS (MiniDFSCluster, 1 DataNode, 128 MiB blocks): wrote parts in %.2f s%n", secs(t0));
      Path partsDir = new Path(export, "parts");

      t0 = System.nanoTime();
      streamCopy(fs, partsDir, new Path("/bench/streamcopy.csv"));
      double stream = secs(t0);

      double coalesce = Double.NaN;
      if (!args.contains("--no-spark")) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("bench-merge")
            .config("spark.hadoop.fs.defaultFS", hdfs.uri()).config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        t0 = System.nanoTime();
        spark.read().text(hdfs.uri() + "/bench/export/parts/part-*.csv").coalesce(1).write()
            .text(hdfs.uri() + "/bench/coalesce");
        coalesce = secs(t0);
        spark.stop();
      }

      // A first merge in a fresh JVM pays class loading (Jackson, HDFS client paths): measure it on a tiny
      // export, then the real one warm. Both are printed.
      SyntheticParts.write(fs, new Path("/bench/warmup"), new long[] {1000, 1000}, 128L << 20, 1);
      t0 = System.nanoTime();
      new Merger(hdfs.conf(), settings(hdfs.uri() + "/bench/warmup", hdfs.uri() + "/bench/out/w.csv", "concat"),
          MergeStep.Listener.NONE).merge();
      double cold = secs(t0);
      MergeSettings settings = settings(hdfs.uri() + "/bench/export", hdfs.uri() + "/bench/out/r.csv", "concat");
      t0 = System.nanoTime();
      new Merger(hdfs.conf(), settings, MergeStep.Listener.NONE).merge();
      double concat = secs(t0);
      // concat consumed the parts: the same parts again for merge.checksum = record.
      SyntheticParts.write(fs, new Path("/bench/export2"), sizes, 128L << 20, 7);
      MergeSettings record = settings(hdfs.uri() + "/bench/export2", hdfs.uri() + "/bench/out/r2.csv", "concat")
          .withVerifyChecksum(false);
      t0 = System.nanoTime();
      new Merger(hdfs.conf(), record, MergeStep.Listener.NONE).merge();
      double concatRecord = secs(t0);

      out.printf("  %-44s %9s %11s %10s%n", "method", "seconds", "MiB/s", "vs merge");
      row(out, "stream-copy through one client (copyMerge)", stream, mib, concat);
      if (!Double.isNaN(coalesce)) {
        row(out, "Spark coalesce(1) re-write", coalesce, mib, concat);
      }
      row(out, "recsv merge, checksum=verify (HDFS CRC check)", concat, mib, concat);
      row(out, "recsv merge, checksum=record (length check)", concatRecord, mib, concat);
      out.printf("  (the first merge in a fresh JVM, on 2 tiny parts: %.3f s, mostly class loading)%n", cold);
    }

    File dir = Files.createTempDirectory("recsv-bench-local").toFile();
    try {
      Configuration conf = new Configuration();
      Path export = new Path(dir.getAbsolutePath(), "export");
      FileSystem local = HadoopConf.forWriting(export, conf);
      SyntheticParts.write(local, export, sizes, 128L << 20, 7);
      double bestCat = Double.MAX_VALUE;
      double bestCatSync = Double.MAX_VALUE;
      double bestMerge = Double.MAX_VALUE;
      double bestRecord = Double.MAX_VALUE;
      File catOut = new File(dir, "cat.csv");
      String cat = "cat " + dir + "/export/parts/part-*.csv > " + catOut;
      new Merger(conf, settings(export.toString(), dir + "/out/warm.csv", "copy"), MergeStep.Listener.NONE)
          .merge();  // warm-up
      new File(dir + "/out/warm.csv").delete();
      for (int r = 0; r < rounds; r++) {
        bestCat = Math.min(bestCat, shell(cat));
        catOut.delete();
        shell("sync");
        // recsv syncs the merged file before the atomic rename (a crash must not publish a torn file);
        // cat + sync is the same guarantee.
        bestCatSync = Math.min(bestCatSync, shell(cat + " && sync " + catOut));
        catOut.delete();
        shell("sync");

        String output = dir + "/out/r" + r + ".csv";
        MergeSettings settings = settings(export.toString(), output, "copy");
        long t0 = System.nanoTime();
        new Merger(conf, settings, MergeStep.Listener.NONE).merge();
        bestMerge = Math.min(bestMerge, secs(t0));
        new File(output).delete();
        shell("sync");

        t0 = System.nanoTime();
        new Merger(conf, settings.withVerifyChecksum(false), MergeStep.Listener.NONE).merge();
        bestRecord = Math.min(bestRecord, secs(t0));
        new File(output).delete();
        shell("sync");
      }
      out.printf("%nlocal file system (best of %d, alternating):%n", rounds);
      out.printf("  %-44s %9s %11s %10s %12s%n", "method", "seconds", "MiB/s", "of cat", "of cat+sync");
      out.printf("  %-44s %9.3f %11.0f %10s %12s%n", "cat parts > out (page cache only)", bestCat, mib / bestCat,
          "100%", "");
      out.printf("  %-44s %9.3f %11.0f %10s %12s%n", "cat parts > out && sync out (durable)", bestCatSync,
          mib / bestCatSync, "", "100%");
      out.printf("  %-44s %9.3f %11.0f %9.0f%% %11.0f%%%n", "recsv merge, checksum=verify (read+CRC+write)",
          bestMerge, mib / bestMerge, 100 * bestCat / bestMerge, 100 * bestCatSync / bestMerge);
      out.printf("  %-44s %9.3f %11.0f %9.0f%% %11.0f%%%n", "recsv merge, checksum=record (transferTo)",
          bestRecord, mib / bestRecord, 100 * bestCat / bestRecord, 100 * bestCatSync / bestRecord);
      out.println("  (both recsv rows include fsync before the atomic rename, plan, manifest)");
    } finally {
      FileUtil.fullyDelete(dir);
    }
    return 0;
  }

  /** The bench's merge: output under its own directory, 644, no overwrite, the default block limit. */
  private static MergeSettings settings(String export, String output, String strategy) {
    return new MergeSettings(export, output, new Path(output).getParent().toString(), strategy, false,
        new FsPermission((short) 0644), 0);
  }

  private static double shell(String command) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("failed: " + command);
    }
    return secs(t0);
  }

  /** What FileUtil.copyMerge (removed in Hadoop 3) and getmerge do: every byte through one client. */
  private static void streamCopy(FileSystem fs, Path partsDir, Path target) throws IOException {
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

  private static void row(PrintStream out, String name, double seconds, long mib, double base) {
    out.printf("  %-44s %9.3f %11.0f %9.1fx%n", name, seconds, mib / seconds, seconds / base);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Refuses what a benchmark does not know, instead of running with defaults the user did not ask for. */
  static void checkOptions(String command, List<String> args, Set<String> valued, Set<String> flags) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (valued.contains(a) || a.equals("-D")) {
        i++;
      } else if (!flags.contains(a)) {
        throw new io.recsv.common.UserError(command + ": unknown option '" + a + "' (see recsv " + command
            + " --help)");
      }
    }
  }

  static long longArg(List<String> args, String name, long fallback) {
    int at = args.indexOf(name);
    if (at < 0) {
      return fallback;
    }
    if (at + 1 >= args.size()) {
      throw new io.recsv.common.UserError("bench: " + name + " needs a value");
    }
    try {
      return Long.parseLong(args.get(at + 1));
    } catch (NumberFormatException e) {
      throw new io.recsv.common.UserError("bench: " + name + " takes a whole number, got '" + args.get(at + 1) + "'");
    }
  }

}
