package io.recsv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recsv.common.UserError;
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
      assertTrue(e.getMessage().startsWith("export wrote ") && e.getMessage().contains(" but score's output has ")
          && e.getMessage().endsWith("nothing was published; rerun from 'prepare'"), e.getMessage());
      assertEquals(published, Files.getLastModifiedTime(csv).toMillis(), "nothing published");
    } finally {
      Files.write(file, intactFile);
      Files.write(record, intactRecord);
    }
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
