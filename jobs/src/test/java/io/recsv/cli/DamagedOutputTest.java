package io.recsv.cli;

import io.recsv.generate.Generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recsv.config.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's output vouches for its own files: a file deleted, truncated or added in a run's directory after the
 * stage published it is found by the next reader, before any compute, and named with the stage to rerun from;
 * nothing is published from it. (Before, each of these published a wrong CSV with exit 0.)
 */
class DamagedOutputTest {

  @TempDir
  static Path dir;

  private static Path input;
  private static Path work;
  private static Path csv;

  @BeforeAll
  static void runOnce() throws Exception {
    TestSpark.get();
    input = dir.resolve("in.csv");
    new Generator(80, 30, 6, 5).write(new Configuration(), input.toString());
    work = dir.resolve("work");
    csv = dir.resolve("out/recommendations.csv");
    assertEquals(0, launch("run"));
  }

  private static int launch(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args[0], "--input", input.toString(), "--work", work.toString(),
        "--run-id", "r1", "--output",
        csv.toString(), "-D", "score.k=5", "-D", "train.rank=3", "-D", "train.max-iter=2", "-D",
        "spark.master=local[2]", "-D", "merge.overwrite=true", "-D", "export.parts=2"));
    all.addAll(Arrays.asList(args).subList(1, args.length));
    return MainAccess.run(all.toArray(String[]::new));
  }

  /** The first data file (not a checksum, not Spark's marker) under the run's {@code output}. */
  private static Path dataFile(String output) throws IOException {
    try (Stream<Path> files = Files.walk(work.resolve("r1").resolve(output))) {
      return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith("part-"))
          .sorted().findFirst().orElseThrow();
    }
  }

  /** Damages {@code file} with {@code damage}, runs {@code from} on, restores it; the refusal. */
  private static String refusedAfter(Path file, String damage, String from) throws Exception {
    byte[] intact = Files.readAllBytes(file);
    long published = Files.getLastModifiedTime(csv).toMillis();
    try {
      switch (damage) {
        case "delete" -> Files.delete(file);
        case "truncate" -> {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(intact.length / 2);
          }
        }
        default -> throw new IllegalArgumentException(damage);
      }
      UserError e = assertThrows(UserError.class, () -> launch("run", "--from", from));
      assertEquals(published, Files.getLastModifiedTime(csv).toMillis(), "nothing published");
      return e.getMessage();
    } finally {
      Files.write(file, intact);
    }
  }

  @Test
  void aDeletedFileOfAnyStagesOutputIsFoundBeforeAnyComputeAndNamed() throws Exception {
    for (String[] c : List.of(new String[] {"score/top", "export", "score"},
        new String[] {"prepare/interactions", "train", "prepare"},
        new String[] {"prepare/products", "export", "prepare"},
        new String[] {"prepare/users", "export", "prepare"},
        new String[] {"train/model/userFactors", "score", "train"})) {
      Path file = dataFile(c[0]);
      String name = work.resolve("r1").resolve(c[2]).relativize(file).toString();
      String message = refusedAfter(file, "delete", c[1]);
      assertTrue(message.startsWith("the '" + c[2] + "' output ") && message.contains(" is not what it was when"
          + " published: " + name + " is missing (recorded: ") && message.endsWith("rerun from '" + c[2]
          + "' (./recsv run ... --from " + c[2] + ")"), c[0] + ": " + message);
    }
  }

  @Test
  void evenWithItsRecordEditedToMatchALostDictionaryFileCannotDropRowsFromTheCsv() throws Exception {
    Path file = dataFile("prepare/users");
    Path record = work.resolve("r1/prepare/_lineage.json");
    byte[] intactFile = Files.readAllBytes(file);
    byte[] intactRecord = Files.readAllBytes(record);
    String name = work.resolve("r1/prepare").relativize(file).toString();
    ObjectMapper json = new ObjectMapper();
    ObjectNode lineage = (ObjectNode) json.readTree(intactRecord);
    ArrayNode files = (ArrayNode) lineage.get("files");
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i).get("name").asText().equals(name)) {
        files.remove(i);
      }
    }
    long published = Files.getLastModifiedTime(csv).toMillis();
    try {
      Files.delete(file);
      Files.write(record, json.writeValueAsBytes(lineage));
      Files.deleteIfExists(record.resolveSibling("._lineage.json.crc"));
      UserError e = assertThrows(UserError.class, () -> launch("run", "--from", "export"));
      assertTrue(e.getMessage().startsWith("export made ") && e.getMessage().contains(" rows, but score output ")
          && e.getMessage().endsWith("nothing was published; rerun from 'prepare' (./recsv run ... --from prepare)"),
          e.getMessage());
      assertEquals(published, Files.getLastModifiedTime(csv).toMillis(), "nothing published");
    } finally {
      Files.write(file, intactFile);
      Files.write(record, intactRecord);
    }
  }

  @Test
  void theCountsChainFromPrepareThroughTrainAndScore() throws Exception {
    Path record = work.resolve("r1/prepare/_lineage.json");
    byte[] intactRecord = Files.readAllBytes(record);
    ObjectMapper json = new ObjectMapper();
    ObjectNode lineage = (ObjectNode) json.readTree(intactRecord);
    ObjectNode counts = (ObjectNode) lineage.get("counts");
    long users = counts.get("users").asLong();
    assertEquals(80, users, "prepare counted the generated users");
    assertEquals(0, counts.get("usersWithEveryProduct").asLong());
    assertTrue(counts.get("rows").asLong() > users && counts.get("products").asLong() > 0, counts.toString());
    byte[] model = Files.readAllBytes(work.resolve("r1/train/_lineage.json"));
    // As if prepare had counted one user that its files do not hold: train and score each refuse to go on.
    counts.put("users", users + 1);
    try {
      Files.write(record, json.writeValueAsBytes(lineage));
      Files.deleteIfExists(record.resolveSibling("._lineage.json.crc"));
      UserError train = assertThrows(UserError.class, () -> launch("run", "--from", "train"));
      assertTrue(train.getMessage().startsWith("train made 80 user factors, but prepare output ")
          && train.getMessage().contains(" should give 81 (one per user); nothing was published; rerun from"
          + " 'train'"), train.getMessage());
      assertEquals(new String(model), new String(Files.readAllBytes(work.resolve("r1/train/_lineage.json"))),
          "the model that was there stays");
      UserError score = assertThrows(UserError.class, () -> launch("stage", "score"));
      assertTrue(score.getMessage().startsWith("score made 80 users' recommendations, but prepare output ")
          && score.getMessage().contains(" should give 81 (81 users, 0 of whom have seen every product);"
          + " nothing was published; rerun from 'score'"), score.getMessage());
    } finally {
      Files.write(record, intactRecord);
    }
  }

  @Test
  void aRegeneratedReportLeavesOutStatisticsThatAreNotWhatWasRecorded() throws Exception {
    Path stats = work.resolve("r1/score/_stats.json");
    byte[] intact = Files.readAllBytes(stats);
    org.apache.hadoop.fs.Path published = new org.apache.hadoop.fs.Path(csv.toUri());
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    try {
      Files.writeString(stats, " ", StandardOpenOption.APPEND);
      assertEquals(0, MainAccess.run("report", "--csv", csv.toString(), "--work", work.toString(), "--run-id", "r1",
          "--regenerate"));
      io.recsv.report.RunReport report = io.recsv.report.RunReport.read(fs, published);
      assertEquals(null, report.scores(), "score's statistics left out");
      assertEquals(1, report.notes().size(), report.notes().toString());
      String note = report.notes().get(0);
      assertTrue(note.startsWith("score's statistics are left out: the 'score' output ") && note.contains(
          ": _stats.json has " + (intact.length + 1) + " bytes, not the " + intact.length + " recorded")
          && note.endsWith("rerun from 'score' (./recsv run ... --from score)"), note);
    } finally {
      Files.write(stats, intact);
    }
    assertEquals(0, MainAccess.run("report", "--csv", csv.toString(), "--work", work.toString(), "--run-id", "r1",
        "--regenerate"));
    assertEquals(List.of(), io.recsv.report.RunReport.read(fs, published).notes(), "intact again, all there");
  }

  @Test
  void aTruncatedOrAnAddedFileIsFoundToo() throws Exception {
    Path file = dataFile("score/top");
    String name = work.resolve("r1/score").relativize(file).toString();
    String truncated = refusedAfter(file, "truncate", "export");
    assertTrue(truncated.contains(": " + name + " has " + (Files.size(file) / 2) + " bytes, not the "
        + Files.size(file) + " recorded"), truncated);

    Path stray = file.resolveSibling("part-99999-copy.snappy.parquet");
    Files.copy(file, stray);
    try {
      UserError e = assertThrows(UserError.class, () -> launch("run", "--from", "export"));
      assertTrue(e.getMessage().contains(": " + work.resolve("r1/score").relativize(stray) + " is there, but not in"
          + " the record"), e.getMessage());
    } finally {
      Files.delete(stray);
    }
    assertEquals(0, launch("run", "--from", "export"), "restored, the run publishes again");
  }
}
