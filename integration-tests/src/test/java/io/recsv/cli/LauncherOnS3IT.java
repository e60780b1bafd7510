package io.recsv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.lineage.ExportManifest;
import io.recsv.merge.CsvManifest;
import io.recsv.merge.Strategy;
import io.recsv.testing.S3Server;
import io.recsv.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * The week on S3 through the launcher: {@code ./recsv run} with input, work directory and CSV on {@code s3a://} (a
 * real S3 server, S3Proxy, through Hadoop's s3a, its settings given as spark-submit's {@code --conf
 * spark.hadoop.*}), merged by a compose on the server: export puts the header into part 0, and the CSV is the
 * parts' bytes, byte for byte, with nothing of it through the merge.
 */
class LauncherOnS3IT {

  private static final java.nio.file.Path REPO =
      java.nio.file.Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @Test
  void theWholePipelineRunsThroughTheLauncherOnS3AndTheCsvIsComposedThere() throws Exception {
    try (S3Server s3 = new S3Server()) {
      Configuration conf = s3.conf(new Configuration());
      FileSystem fs = new Path(s3.uri("")).getFileSystem(conf);
      Path input = new Path(s3.uri("data/in/ratings.txt"));
      fs.copyFromLocalFile(new Path(SharedData.movieLensSample().toUri()), input);
      String work = s3.uri("data/work");
      String csv = s3.uri("data/published/2026-11-23/recommendations.csv");

      List<String> args = new ArrayList<>(List.of("run", "--input", input.toString(), "--output", csv, "--work",
          work, "--run-id", "2026-11-23", "-D", "prepare.csv.header=false", "-D", "prepare.csv.delimiter=::",
          "-D", "score.k=7", "-D", "train.rank=4", "-D", "train.max-iter=3", "-D", "spark.master=local[2]",
          "-D", "export.parts=3"));
      s3.settings().forEach((key, value) -> args.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value)));
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int code = new Main(new PrintStream(printed, true, StandardCharsets.UTF_8), REPO).run(args);
      System.out.println(printed.toString(StandardCharsets.UTF_8));
      assertEquals(0, code);

      CsvManifest manifest = CsvManifest.readIfExists(fs, new Path(csv));
      assertEquals(Strategy.COMPOSE, manifest.strategy(), "composed on the S3 server");
      assertEquals(30 * 7, manifest.rows());
      ExportManifest export = ExportManifest.read(fs, new Path(work + "/2026-11-23/export/manifest.json"));
      assertTrue(export.headerInFirstPart(), "export put the header into part 0 for the compose");
      assertEquals(1, export.parts().size(), "a CSV this small is one part (S3's 5 MiB minimum), not the 3 asked");
      byte[] bytes;
      try (InputStream in = fs.open(new Path(csv))) {
        bytes = in.readAllBytes();
      }
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      assertEquals("user_id,product_id,score", lines[0]);
      assertEquals(30 * 7 + 1, lines.length);
      try (InputStream in = fs.open(new Path(work + "/2026-11-23/export/parts/part-00000.csv"))) {
        assertArrayEquals(in.readAllBytes(), bytes, "the CSV is the export's one part, header included");
      }
      assertTrue(printed.toString(StandardCharsets.UTF_8).contains("by compose"), printed.toString());
      fs.close();
    }
  }
}
