package io.recsv.export;

import io.recsv.lineage.Counts;

import io.recsv.workflow.StageName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.lineage.ExportManifest;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.TopLists;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export on hand-made score and dictionary tables: parts, manifest, id mapping and ordering. */
class ExportJobTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  @Test
  void partsHoldWholeUsersInContractOrderAndTheManifestCountsThem() throws Exception {
    Path run = work.resolve("test");
    StructType dict = new StructType().add("id", DataTypes.LongType).add("index", DataTypes.IntegerType);
    List<org.apache.spark.sql.Row> users = new java.util.ArrayList<>();
    List<org.apache.spark.sql.Row> top = new java.util.ArrayList<>();
    for (int u = 0; u < 50; u++) {
      users.add(RowFactory.create(9_000_000_000L + u, u));
      // Scores 0.5, 0.50004 (prints 0.5000 too: a rounding tie), 0.25; ranks by raw score.
      top.add(RowFactory.create(u, new int[] {2, 1, 0}, new float[] {0.50004f, 0.5f, 0.25f},
          new float[] {5.0004f, 5f, 2.5f}));
    }
    spark.createDataFrame(users, dict).toDF("user_id", "user_index")
        .write().parquet(run.resolve("prepare/users").toString());
    spark.createDataFrame(List.of(RowFactory.create(-3L, 0), RowFactory.create(40L, 1), RowFactory.create(
        5_000_000_000L, 2)), dict).toDF("product_id", "product_index")
        .write().parquet(run.resolve("prepare/products").toString());
    spark.createDataFrame(top, TopLists.SCHEMA).write().parquet(run.resolve("score/top").toString());

    com.typesafe.config.Config config = TestSpark.config(work, "export.parts=4");
    // Score's counts, as the stage records them: export checks that every row and user became a CSV row.
    TestSpark.lineage(config, Map.of(StageName.SCORE, new Counts(150L, 50L, null, null)),
        StageName.PREPARE, StageName.SCORE);
    new ExportJob(config).run(spark);

    ExportManifest manifest = ExportManifest.read(new Configuration(),
        new org.apache.hadoop.fs.Path(run.resolve("export/manifest.json").toString()));
    assertEquals(150, manifest.rows());
    assertEquals(50, manifest.users());
    assertEquals(4, manifest.parts().size());
    Set<String> seenUsers = new HashSet<>();
    for (ExportManifest.Part part : manifest.parts()) {
      byte[] bytes = Files.readAllBytes(run.resolve("export/parts/" + part.name()));
      assertEquals(part.bytes(), bytes.length);
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      assertEquals(String.format("%08x", (int) crc.getValue()), part.crc32c());
      List<String> lines = bytes.length == 0 ? List.of()
          : List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      assertEquals(part.rows(), lines.size());
      Map<String, List<String>> byUser = new HashMap<>();
      String previous = null;
      for (String line : lines) {
        assertFalse(line.startsWith("user_id"), "no header in parts");
        String user = line.substring(0, line.indexOf(','));
        if (!user.equals(previous)) {
          assertTrue(seenUsers.add(user), "user " + user + " in one place only");
          previous = user;
        }
        byUser.computeIfAbsent(user, k -> new java.util.ArrayList<>()).add(line.substring(line.indexOf(',') + 1));
      }
      for (List<String> rows : byUser.values()) {
        // Printed 0.5000 twice: product ids ascending (-3 < 40 < ...), not the raw-score order (5000000000 first).
        assertEquals(List.of("40,0.5000", "5000000000,0.5000", "-3,0.2500"), rows);
      }
    }
    assertEquals(50, seenUsers.size());
    assertFalse(Files.exists(run.resolve("export/parts/_attempts")), "no attempt files left");
  }

  @Test
  void aUserIndexWithTwoIdsIsRefusedNotGuessed() throws Exception {
    Path run = work.resolve("test");
    StructType dict = new StructType().add("id", DataTypes.LongType).add("index", DataTypes.IntegerType);
    spark.createDataFrame(List.of(RowFactory.create(7L, 0), RowFactory.create(8L, 0)), dict)
        .toDF("user_id", "user_index").write().parquet(run.resolve("prepare/users").toString());
    spark.createDataFrame(List.of(RowFactory.create(40L, 0)), dict).toDF("product_id", "product_index")
        .write().parquet(run.resolve("prepare/products").toString());
    spark.createDataFrame(List.of(RowFactory.create(0, new int[] {0}, new float[] {1f}, new float[] {2f})),
        TopLists.SCHEMA).write().parquet(run.resolve("score/top").toString());
    com.typesafe.config.Config config = TestSpark.config(work, "export.parts=1");
    TestSpark.lineage(config, Map.of(StageName.SCORE, new Counts(1L, 1L, null, null)),
        StageName.PREPARE, StageName.SCORE);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> new ExportJob(config).run(spark));
    String messages = "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages += t.getMessage() + "\n";
    }
    assertTrue(messages.contains("gives user index 0 two ids, "), messages);
    assertFalse(Files.exists(run.resolve("export/manifest.json")), "nothing published");
  }
}
