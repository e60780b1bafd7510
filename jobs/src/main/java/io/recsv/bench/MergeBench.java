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
      "  --rounds R  local cat vs merge rounds, alternating; the best of each is reported (default 3)");

  private MergeBench() {}

  public static int run(List<String> args, PrintStream out) throws Exception {
    if (args.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
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

      MergeSettings settings = new MergeSettings(hdfs.uri() + "/bench/export", hdfs.uri() + "/bench/out/r.csv",
          hdfs.uri() + "/bench/out", "concat", false, new FsPermission((short) 0644), 0);
      t0 = System.nanoTime();
      new Merger(hdfs.conf(), settings, MergeStep.Listener.NONE).merge();
      double concat = secs(t0);

      out.printf("  %-44s %9s %11s %10s%n", "method", "seconds", "MiB/s", "vs merge");
      row(out, "stream-copy through one client (copyMerge)", stream, mib, concat);
      if (!Double.isNaN(coalesce)) {
        row(out, "Spark coalesce(1) re-write", coalesce, mib, concat);
      }
      row(out, "recsv merge (concat+verify+publish+manifest)", concat, mib, concat);
    }

    File dir = Files.createTempDirectory("recsv-bench-local").toFile();
    try {
      Configuration conf = new Configuration();
      Path export = new Path(dir.getAbsolutePath(), "export");
      FileSystem local = HadoopConf.forWriting(export, conf);
      SyntheticParts.write(local, export, sizes, 128L << 20, 7);
      double bestCat = Double.MAX_VALUE;
      double bestMerge = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        File catOut = new File(dir, "cat.csv");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", "cat " + dir + "/export/parts/part-*.csv > " + catOut)
            .inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IOException("cat failed");
        }
        bestCat = Math.min(bestCat, secs(t0));
        catOut.delete();

        String output = dir + "/out/r" + r + ".csv";
        MergeSettings settings = new MergeSettings(export.toString(), output, dir + "/out", "copy", false,
            new FsPermission((short) 0644), 0);
        t0 = System.nanoTime();
        new Merger(conf, settings, MergeStep.Listener.NONE).merge();
        bestMerge = Math.min(bestMerge, secs(t0));
        new File(output).delete();
      }
      out.printf("%nlocal file system (best of %d, alternating):%n", rounds);
      out.printf("  %-44s %9s %11s %10s%n", "method", "seconds", "MiB/s", "of cat");
      out.printf("  %-44s %9.3f %11.0f %10s%n", "cat parts > out", bestCat, mib / bestCat, "100%");
      out.printf("  %-44s %9.3f %11.0f %9.0f%%%n", "recsv merge (copy, CRC32C, verify, publish)", bestMerge,
          mib / bestMerge, 100 * bestCat / bestMerge);
    } finally {
      FileUtil.fullyDelete(dir);
    }
    return 0;
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
    out.printf("  %-44s %9.3f %11.0f %9.0fx%n", name, seconds, mib / seconds, seconds / base);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static long longArg(List<String> args, String name, long fallback) {
    int at = args.indexOf(name);
    if (at < 0) {
      return fallback;
    }
    if (at + 1 >= args.size()) {
      throw new io.recsv.common.UserError("bench: " + name + " needs a value");
    }
    return Long.parseLong(args.get(at + 1));
  }

}
