package io.recsv.yarn;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * recsv's own Spark and Hadoop jars on the cluster's file system, for {@code spark.yarn.jars} where no Spark is
 * installed (no SPARK_HOME). Staged once per set of jars, under {@code root/spark-VERSION-HASH} (the hash of their
 * names and sizes), written beside and renamed into place when whole, and reused by every later stage and run:
 * YARN's NodeManagers cache them as public resources, so a node fetches each jar once.
 */
public final class SparkJars {

  private SparkJars() {}

  /** recsv's Spark and Hadoop jars, as the build lists them in {@code home}'s jobs/target/spark-jars.txt. */
  public static List<java.nio.file.Path> of(java.nio.file.Path home) throws IOException {
    String list = Files.readString(home.resolve("jobs/target/spark-jars.txt")).trim();
    return Stream.of(list.split(File.pathSeparator)).map(java.nio.file.Path::of).toList();
  }

  /** The glob to hand {@code spark.yarn.jars}: the staged copy of {@code jars} under {@code root}. */
  public static String stage(Configuration conf, Path root, List<java.nio.file.Path> jars) throws IOException {
    CRC32 hash = new CRC32();
    for (java.nio.file.Path jar : jars) {
      hash.update((jar.getFileName() + ":" + Files.size(jar) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Path dir = new Path(root, String.format("spark-%s-%08x", org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        hash.getValue()));
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      Path partial = new Path(root, "." + dir.getName() + ".staging-" + System.nanoTime());
      for (java.nio.file.Path jar : jars) {
        fs.copyFromLocalFile(false, true, new Path(jar.toUri()), new Path(partial, jar.getFileName().toString()));
      }
      try (OutputStream out = fs.create(new Path(partial, "_jars.txt"))) {
        for (java.nio.file.Path jar : jars) {
          out.write((jar.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      try {
        FileContext.getFileContext(fs.getUri(), conf).rename(partial, dir, Options.Rename.NONE);
      } catch (FileAlreadyExistsException e) {
        fs.delete(partial, true);  // another run staged the same jars first
      }
    }
    return fs.makeQualified(dir) + "/*.jar";
  }
}
