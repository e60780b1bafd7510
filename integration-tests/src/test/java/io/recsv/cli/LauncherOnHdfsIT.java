package io.recsv.cli;

import io.recsv.merge.Strategy;
import io.recsv.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsv.testing.MiniHdfs;
import io.recsv.merge.CsvManifest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The launcher speaks Hadoop URIs: {@code ./recsv run} with {@code hdfs://} input, work directory, output and
 * config file runs the whole pipeline on a MiniDFSCluster, and nothing lands on the local disk.
 */
class LauncherOnHdfsIT {

  private static final java.nio.file.Path REPO =
      java.nio.file.Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @Test
  void theWholePipelineRunsThroughTheLauncherOnHdfsPaths() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("recsv-launcher-it")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    try (MiniHdfs hdfs = new MiniHdfs(64 * 1024)) {
      FileSystem fs = hdfs.fs();
      String uri = hdfs.uri();
      Path input = new Path(uri + "/data/in/ratings.txt");
      fs.copyFromLocalFile(new Path(SharedData.movieLensSample().toUri()), input);
      Path conf = new Path(uri + "/conf/week.conf");
      try (OutputStream out = fs.create(conf)) {
        out.write("prepare.csv { header = false, delimiter = \"::\" }\nscore.k = 7\n".getBytes(StandardCharsets.UTF_8));
      }
      String csv = uri + "/data/published/2026-11-23/recommendations.csv";

      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int code = new Main(new PrintStream(printed, true, StandardCharsets.UTF_8), REPO).run(List.of("run",
          "--input", input.toString(), "--output", csv, "--work", uri + "/data/work", "--run-id", "2026-11-23",
          "--config", conf.toString(), "-D", "train.rank=4", "-D", "train.max-iter=3", "-D", "spark.master=local[2]"));
      System.out.println(printed.toString(StandardCharsets.UTF_8));
      assertEquals(0, code);

      CsvManifest manifest = CsvManifest.readIfExists(fs, new Path(csv));
      assertEquals(Strategy.CONCAT, manifest.strategy(), "merged on HDFS itself");
      assertEquals(30 * 7, manifest.rows(), "the sample's 30 users, score.k from the HDFS config file");
      try (InputStream in = fs.open(new Path(csv))) {
        String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertEquals("user_id,product_id,score", lines[0]);
        assertEquals(30 * 7 + 1, lines.length);
      }
      JsonNode lineage = new ObjectMapper().readTree(fs.open(CsvManifest.pathFor(new Path(csv)))).get("lineage");
      assertTrue(lineage.toString().contains(input.toString()), "the manifest names the HDFS input");
      for (String stage : List.of("prepare", "train", "score", "export")) {
        assertTrue(fs.exists(new Path(uri + "/data/work/2026-11-23/" + stage + "/_lineage.json")), stage);
      }
      assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("hdfs:")), "no local directory named hdfs:");
    } finally {
      spark.stop();
    }
  }
}
