package io.recsv;

import io.recsv.lineage.Counts;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local Spark session for all tests in the JVM (starting one costs seconds), and test configs. */
public final class TestSpark {

  private static SparkSession spark;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2]").appName("recsv-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** A config for a run under {@code work}, small enough for tests, plus {@code overrides}. */
  public static Config config(Path work, String... overrides) {
    List<String> all = new ArrayList<>(List.of("spark.master=local[2]", "run.root=" + work, "run.id=test",
        "export.parts=3", "train.user-blocks=2", "train.item-blocks=2", "train.rank=8", "train.max-iter=6",
        "merge.output-root=" + work.resolve("published")));
    all.addAll(Arrays.asList(overrides));
    return ConfigLoader.load(List.of(), all);
  }

  /**
   * Records lineage for outputs a test made by hand in the run of {@code config}: each stage in order, each made
   * from the one before, as if the pipeline had written them, recording {@code counts.get(stage)} (if any) as what
   * its output holds; each record names its output's files.
   */
  public static void lineage(Config config, Map<StageName, Counts> counts, StageName... stages)
      throws java.io.IOException {
    RunLayout layout = RunLayout.of(config);
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(conf);
    List<Lineage> chain = new ArrayList<>();
    for (StageName stage : stages) {
      Lineage l = Lineage.of(stage, java.time.Instant.now(), layout, config, chain, null);
      if (counts.containsKey(stage)) {
        l = l.withCounts(counts.get(stage));
      }
      org.apache.hadoop.fs.Path dir = layout.stageDir(stage);
      l.withFiles(Lineage.listFiles(fs, dir, List.of()), List.of()).write(fs, dir);
      chain = List.of(l);
    }
  }

  /** The repository root (where shared/ is a sibling), from surefire's property or the working directory. */
  public static Path repoRoot() {
    String root = System.getProperty("recsv.repo.root");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return p.toAbsolutePath().normalize();
  }
}
