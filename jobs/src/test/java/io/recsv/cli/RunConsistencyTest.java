package io.recsv.cli;

import io.recsv.generate.Generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsv.TestSpark;
import io.recsv.config.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is one consistent thing: stage outputs of different inputs or settings are never joined, whatever
 * order stages are rerun in, and the published manifest says what the CSV was made from.
 */
class RunConsistencyTest {

  @TempDir
  Path dir;

  private Path a;
  private Path b;
  private Path csv;
  private Path work;

  @BeforeEach
  void inputs() throws Exception {
    TestSpark.get();  // the launcher reuses the test JVM's session
    a = dir.resolve("a.csv");
    b = dir.resolve("b.csv");
    // Different users: b's dense user indices point at other users than a's.
    new Generator(300, 60, 8, 1).write(new Configuration(), a.toString());
    new Generator(240, 60, 8, 2).write(new Configuration(), b.toString());
    csv = dir.resolve("out/recommendations.csv");
    work = dir.resolve("work");
  }

  private int launch(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args[0], "--work", work.toString(), "--run-id", "r1",
        "-D", "score.k=10", "-D", "train.rank=4", "-D", "train.max-iter=3", "-D", "spark.master=local[2]"));
    all.addAll(Arrays.asList(args).subList(1, args.length));  // after the defaults: a test's -D wins
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), TestSpark.repoRoot()).run(all);
  }

  @Test
  void aRerunFromScoreAfterPrepareWasRedoneOnAnotherInputIsRefusedNamingBothOutputs() throws Exception {
    assertEquals(0, launch("run", "--input", a.toString(), "--output", csv.toString()));
    byte[] published = Files.readAllBytes(csv);
    assertEquals(0, launch("stage", "prepare", "--input", b.toString()));

    UserError e = assertThrows(UserError.class, () -> launch("run", "--input", b.toString(), "--output",
        csv.toString(), "--from", "score", "-D", "merge.overwrite=true"));
    assertTrue(e.getMessage().contains("the prepare output") && e.getMessage().contains("is there now")
        && e.getMessage().contains("the train output") && e.getMessage().contains("Rerun from 'evaluate'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("from " + b) && e.getMessage().contains("from " + a), e.getMessage());
    assertArrayEquals(published, Files.readAllBytes(csv), "the published CSV is untouched");

    // Export alone, on score rows of a and dictionaries of b, is refused too: it would give users others' products.
    UserError export = assertThrows(UserError.class, () -> launch("stage", "export"));
    assertTrue(export.getMessage().startsWith("export: its inputs are not of one run"), export.getMessage());

    // As the message says: from evaluate on (the first stage after prepare), the run is consistent again.
    assertEquals(0, launch("run", "--input", b.toString(), "--output", csv.toString(), "--from", "evaluate",
        "-D", "merge.overwrite=true"));
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("out/recommendations.csv.manifest.json").toFile());
    assertEquals("recsv-csv/1", manifest.get("format").asText());
    assertEquals("[{\"name\":\"user_id\",\"type\":\"int64\"},{\"name\":\"product_id\",\"type\":\"int64\"},"
        + "{\"name\":\"score\",\"type\":\"decimal\"}]", manifest.get("columns").toString());
    assertEquals(10, manifest.get("k").asInt(), "score.k of the run");
    assertEquals("max", manifest.get("normalization").asText());
    assertEquals(4, manifest.get("scoreDecimals").asInt());
    assertTrue(manifest.hasNonNull("recsvVersion"));
    JsonNode lineage = manifest.get("lineage");
    assertEquals("merge", lineage.get("stage").asText());
    assertEquals("r1", lineage.get("runId").asText());
    String text = lineage.toString();
    assertTrue(text.contains(b.toString()) && !text.contains(a.toString()), "the manifest names b as the input");
    assertTrue(text.contains("\"train.rank\":\"4\""), "and the model's settings");
  }

  @Test
  void aRerunFromAStageReusesOnlyOutputsMadeWithTodaysSettingsAndInput() throws Exception {
    assertEquals(0, launch("run", "--input", a.toString(), "--output", csv.toString()));

    UserError rank = assertThrows(UserError.class, () -> launch("run", "--input", a.toString(), "--output",
        csv.toString(), "--from", "score", "-D", "merge.overwrite=true", "-D", "train.rank=6"));
    assertTrue(rank.getMessage().contains("train.rank was '4', is now '6'")
        && rank.getMessage().contains("Rerun from 'train'"), rank.getMessage());

    UserError input = assertThrows(UserError.class, () -> launch("run", "--input", b.toString(), "--output",
        csv.toString(), "--from", "train", "-D", "merge.overwrite=true"));
    assertTrue(input.getMessage().contains("prepare.input was '" + a + "', is now '" + b + "'"), input.getMessage());

    Files.writeString(a, Files.readString(a) + "9,9,1\n");  // the same path, new content
    UserError changed = assertThrows(UserError.class, () -> launch("run", "--input", a.toString(), "--output",
        csv.toString(), "--from", "train", "-D", "merge.overwrite=true"));
    assertTrue(changed.getMessage().contains("the input " + a + " changed since"), changed.getMessage());
    assertFalse(Files.exists(work.resolve("r1/_recsv.lock")), "each refusal released the run's lock");
  }
}
