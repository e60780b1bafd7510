package io.recsv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private String file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void misspelledKeyFailsWithItsNameFileLineAndSuggestion() throws Exception {
    String conf = file("train.conf", "train {\n  rank = 12\n  rnak = 10\n}\n");
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(conf), List.of()));
    assertTrue(e.getMessage().contains("unknown config key 'train.rnak'"), e.getMessage());
    assertTrue(e.getMessage().contains("train.conf:3"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'train.rank'"), e.getMessage());
  }

  @Test
  void misspelledOverrideFailsToo() {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(), List.of("score.kk=5")));
    assertTrue(e.getMessage().contains("'score.kk'") && e.getMessage().contains("command-line"), e.getMessage());
  }

  @Test
  void unknownSectionFails() throws Exception {
    String conf = file("x.conf", "sccore.k = 5\n");
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(conf), List.of()));
    assertTrue(e.getMessage().contains("'sccore.k'"), e.getMessage());
  }

  @Test
  void mistypedValueFailsAtLoadWithOrigin() throws Exception {
    String conf = file("t.conf", "train.rank = ten\n");
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(conf), List.of()));
    assertTrue(e.getMessage().contains("train.rank") && e.getMessage().contains("t.conf:1"), e.getMessage());
  }

  @Test
  void aFractionIsAWholeNumberKeysErrorAndAFractionKeysValue() {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(), List.of("train.rank=1.5")));
    assertTrue(e.getMessage().contains("train.rank") && e.getMessage().contains("whole number"), e.getMessage());
    // reference.conf writes these 1.0 and 100.0, which Typesafe Config holds as whole numbers.
    Config c = ConfigLoader.load(List.of(), List.of("train.alpha=0.5", "train.epsilon=0.25", "train.bm25.k1=1.2"));
    assertEquals(0.5, c.getDouble("train.alpha"), 0);
    assertEquals(0.25, c.getDouble("train.epsilon"), 0);
    assertEquals(1.2, c.getDouble("train.bm25.k1"), 0);
  }

  @Test
  void badValueFailsInTheStageConstructorBeforeSpark() {
    Config c = ConfigLoader.load(List.of(), List.of("train.rank=0"));
    UserError e = assertThrows(UserError.class, () -> new TrainJob(c));
    assertTrue(e.getMessage().contains("train.rank") && e.getMessage().contains("at least 1"), e.getMessage());
  }

  @Test
  void precedenceIsOverridesThenLaterFilesThenEarlierFilesThenReference() throws Exception {
    String stage = file("stage.conf", "train.rank = 20\ntrain.max-iter = 7\nscore.k = 50\n");
    String env = file("env.conf", "train.rank = 30\n");
    Config c = ConfigLoader.load(List.of(stage, env), List.of("score.k=5"));
    assertEquals(30, c.getInt("train.rank"));        // later file wins
    assertEquals(7, c.getInt("train.max-iter"));     // earlier file wins over reference
    assertEquals(5, c.getInt("score.k"));            // override wins over files
    assertEquals(0.1, c.getDouble("train.reg-param"), 1e-12);  // reference default
  }

  @Test
  void derivedPathsFollowTheRunIdOverride() {
    Config c = ConfigLoader.load(List.of(), List.of("run.root=/data/w", "run.id=2026-11-23"));
    assertEquals("/data/w/2026-11-23/prepare", c.getString("prepare.output"));
    assertEquals("/data/w/2026-11-23/checkpoints", c.getString("train.checkpoint-dir"));
    assertEquals("/data/w/published/2026-11-23/recommendations.csv", c.getString("merge.output"));
  }

  @Test
  void sparkPropertiesPassThroughUnchecked() {
    Config c = ConfigLoader.load(List.of(), List.of("spark.conf.spark.sql.shuffle.partitions=17"));
    assertEquals("17", c.getConfig("spark.conf").getString("\"spark.sql.shuffle.partitions\""));
  }

  @Test
  void hadoopKeysGoToTheHadoopConfiguration() {
    Config c = ConfigLoader.load(List.of(), List.of("dfs.replication=2", "fs.permissions.umask-mode=027"));
    org.apache.spark.SparkConf spark = new org.apache.spark.SparkConf(false);
    c.getConfig("spark.conf").entrySet().forEach(e ->
        spark.set(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
    // As Spark builds every Hadoop configuration it hands out (spark.hadoop.* with the prefix dropped).
    org.apache.hadoop.conf.Configuration hadoop = org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(spark);
    assertEquals("2", hadoop.get("dfs.replication"));
    assertEquals("027", hadoop.get("fs.permissions.umask-mode"));
    // A key of no namespace, recsv's or Hadoop's, is still a typo.
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(List.of(), List.of("dfsx.replication=2")));
    assertTrue(e.getMessage().contains("unknown config key 'dfsx.replication'"), e.getMessage());
  }

  @Test
  void missingConfigFileIsNamed() {
    UserError e = assertThrows(UserError.class,
        () -> ConfigLoader.load(List.of(dir.resolve("nope.conf").toString()), List.of()));
    assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
  }

  @Test
  void everyShippedConfigLoads() throws Exception {
    Path config = io.recsv.TestSpark.repoRoot().resolve("config");
    try (var files = Files.walk(config)) {
      List<String> confs = files.filter(p -> p.toString().endsWith(".conf")).map(Path::toString).toList();
      assertTrue(confs.size() >= 7, "stage and env configs: " + confs);
      for (String conf : confs) {
        ConfigLoader.load(List.of(conf), List.of());
      }
    }
  }
}
