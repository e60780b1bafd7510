package io.recsv.cli;

import io.recsv.generate.Generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
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
 * What a run may touch, and what is refused before any compute: run ids, paths that escape the run's
 * directory or the output root (also through symbolic links), an existing or impossible output, bad numbers.
 */
class RunSafetyTest {

  @TempDir
  Path dir;

  private Path input;
  private Path work;

  @BeforeEach
  void setUp() throws Exception {
    TestSpark.get();
    input = dir.resolve("in.csv");
    new Generator(50, 20, 5, 3).write(new Configuration(), input.toString());
    work = dir.resolve("work");
  }

  private int launch(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args[0], "--work", work.toString(), "-D", "score.k=5",
        "-D", "train.rank=3", "-D", "train.max-iter=2", "-D", "spark.master=local[2]"));
    all.addAll(Arrays.asList(args).subList(1, args.length));
    return MainAccess.run(all.toArray(String[]::new));
  }

  private UserError refused(String... args) {
    UserError e = assertThrows(UserError.class, () -> launch(args));
    assertEquals(2, Main.report(e, false), "a user error exits 2");
    return e;
  }

  @Test
  void pathsWithLettersBeyondAsciiSpacesAndUriCharactersWork() throws Exception {
    work = dir.resolve("wü #%?");
    Path csv = dir.resolve("öut%/recs é#?.csv");
    assertEquals(0, launch("run", "--input", input.toString(), "--output", csv.toString()));
    assertTrue(Files.readString(csv).startsWith("user_id,product_id,score\n"));
    assertTrue(Files.isDirectory(work.resolve("manual/score")));
  }

  @Test
  void aKBeyondTheCatalogueGivesEveryUserTheCatalogueAndOneBeyondMemoryIsRefusedBeforeScoring() throws Exception {
    Path csv = dir.resolve("out/recs.csv");
    assertEquals(0, launch("run", "--input", input.toString(), "--output", csv.toString(), "-D", "score.k=100000"));
    List<String> rows = Files.readAllLines(csv);
    assertEquals(1 + 50 * (20 - 5), rows.size(), "each of 50 users: the 20 products less the 5 it has seen");

    UserError e = refused("stage", "score", "-D", "score.k=100000", "-D", "score.topk-budget-mb=1", "-D",
        "score.user-block-size=4096");
    assertEquals("score.k = 100,000 needs 2 MiB of top-k buffers per task (32 bytes x 20 products x 4,096 users held"
        + " at once, score.user-block-size), more than score.topk-budget-mb = 1: lower score.k or"
        + " score.user-block-size, or raise score.topk-budget-mb", e.getMessage());
  }

  @Test
  void aCatalogueEveryUserHasSeenWholePublishesTheHeaderOnlyCsvAndTheReportSaysWhy() throws Exception {
    Path allSeen = dir.resolve("all-seen.csv");
    new Generator(20, 5, 5, 3).write(new Configuration(), allSeen.toString());
    Path csv = dir.resolve("out/recs.csv");
    assertEquals(0, launch("run", "--input", allSeen.toString(), "--output", csv.toString()));
    assertEquals("user_id,product_id,score\n", Files.readString(csv));
    assertTrue(Files.readString(dir.resolve("out/recs.csv.report.json")).contains("the CSV has its header and no"
        + " row: no user has a product to recommend (every user has seen the whole catalogue, and"
        + " score.exclude-seen = true leaves it out)"));
  }

  @Test
  void settingsThatWouldExhaustMemoryAreRefusedBeforeAnyStageRuns() {
    for (String[] c : List.of(new String[] {"train.rank=1000000", "must be at most 2,048 (each user's"},
        new String[] {"train.max-iter=100000000", "must be at most 1,000 (ALS converges"},
        new String[] {"export.parts=100000000", "must be at most 100,000 (each part is a Spark task"})) {
      UserError e = refused("run", "--input", input.toString(), "-D", c[0]);
      String key = c[0].substring(0, c[0].indexOf('='));
      assertTrue(e.getMessage().startsWith("config key '" + key + "' ") && e.getMessage().contains(c[1]),
          e.getMessage());
    }
    assertFalse(Files.exists(work.resolve("manual/prepare")), "no stage ran");
  }

  @Test
  void aNameLongerThanAFileSystemTakesIsRefusedBeforeAnyStageRuns() {
    String dirName = "d".repeat(256);
    UserError dirTooLong = refused("run", "--input", input.toString(), "--output",
        dir.resolve(dirName).resolve("recs.csv").toString());
    assertTrue(dirTooLong.getMessage().endsWith(": the name '" + dirName + "' is 256 bytes; a file system takes at"
        + " most 255 (refused before any stage ran)"), dirTooLong.getMessage());
    String file = "é".repeat(119) + ".csv";  // 242 bytes in UTF-8: its manifest's name would be 256
    UserError fileTooLong = refused("run", "--input", input.toString(), "--output", dir.resolve(file).toString());
    assertTrue(fileTooLong.getMessage().endsWith(" is 242 bytes; a file system takes at most 255, and the CSV's"
        + " manifest is named after it ('.manifest.json' more): at most 241 (refused before any stage ran)"),
        fileTooLong.getMessage());
    assertFalse(Files.exists(work.resolve("manual/prepare")), "no stage ran");
    String workName = "w".repeat(300);
    UserError workTooLong = refused("run", "--input", input.toString(), "-D", "run.root=" + dir.resolve(workName));
    assertTrue(workTooLong.getMessage().startsWith("run.root " + dir.resolve(workName))
        && workTooLong.getMessage().endsWith(": the name '" + workName + "' is 300 bytes; a file system takes at"
        + " most 255 (refused before any stage ran)"), workTooLong.getMessage());
    String output = "o".repeat(250);
    UserError stageTooLong = refused("stage", "prepare", "--input", input.toString(), "-D", "prepare.output="
        + work.resolve("manual").resolve(output));
    assertTrue(stageTooLong.getMessage().startsWith("the 'prepare' output ") && stageTooLong.getMessage().endsWith(
        " is 250 bytes; a file system takes at most 255, and the stage writes it under that name first"
        + " ('._writing' more): at most 246 (refused before any stage ran)"), stageTooLong.getMessage());
    assertFalse(Files.exists(dir.resolve(workName)) || Files.exists(work.resolve("manual/" + output)));
  }

  @Test
  void runIdsThatNameAnotherDirectoryAreRefusedAndNothingOutsideTheRunIsDeleted() throws Exception {
    // A directory named like a stage next to the work directory, and one inside it: neither may be touched.
    Path bystander = Files.createDirectories(dir.resolve("prepare")).resolve("keep.txt");
    Files.writeString(bystander, "not recsv's");
    Files.createDirectories(work.resolve("prepare"));
    for (String id : List.of("..", "../x", ".", "a/b", "-x", "a..b")) {
      UserError e = refused("stage", "prepare", "--input", input.toString(), "--run-id", id);
      assertTrue(e.getMessage().startsWith("config key 'run.id' from command-line override run.id must be 1 to 128"
          + " letters, digits"), id + ": " + e.getMessage());
    }
    UserError outside = refused("stage", "prepare", "--input", input.toString(), "-D",
        "prepare.output=" + dir.resolve("prepare"));
    assertTrue(outside.getMessage().contains("'prepare.output'") && outside.getMessage().contains("must lie inside"
        + " the run's directory"), outside.getMessage());
    assertEquals("not recsv's", Files.readString(bystander));
    assertTrue(Files.isDirectory(work.resolve("prepare")));
  }

  @Test
  void aStageDirectoryThatIsASymbolicLinkIsNeverReplaced() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("data.txt"), "someone else's");
    Files.createDirectories(work.resolve("r1"));
    Files.createSymbolicLink(work.resolve("r1/prepare"), elsewhere);
    UserError e = refused("stage", "prepare", "--input", input.toString(), "--run-id", "r1");
    assertTrue(e.getMessage().contains("r1/prepare (it resolves to file:" + elsewhere.toRealPath() + ") is outside the"
        + " run's directory"), e.getMessage());
    assertEquals("someone else's", Files.readString(elsewhere.resolve("data.txt")));
  }

  @Test
  void whatCanBeCheckedCheaplyIsRefusedBeforeAnyStageRuns() throws Exception {
    Path csv = dir.resolve("out/week/recommendations.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "user_id,product_id,score\n");
    UserError exists = refused("run", "--input", input.toString(), "--output", csv.toString(), "--run-id", "w1");
    assertTrue(exists.getMessage().contains("output " + csv + " already exists; set merge.overwrite=true")
        && exists.getMessage().contains("refused before any stage ran"), exists.getMessage());

    Path isDir = Files.createDirectories(dir.resolve("out/week/dir.csv"));
    UserError directory = refused("run", "--input", input.toString(), "--output", isDir.toString(), "--run-id", "w1");
    assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());

    UserError missing = refused("run", "--input", dir.resolve("nope.csv").toString(), "--output",
        dir.resolve("out/new.csv").toString(), "--run-id", "w1");
    assertEquals("prepare.input " + dir.resolve("nope.csv") + " does not exist", missing.getMessage());

    UserError escape = refused("run", "--input", input.toString(), "--output", dir.resolve("out/x.csv").toString(),
        "-D", "merge.output=" + dir.resolve("elsewhere/x.csv"));
    assertTrue(escape.getMessage().contains("'merge.output'") && escape.getMessage().contains("must lie inside"
        + " merge.output-root"), escape.getMessage());
    assertFalse(Files.exists(work.resolve("w1/prepare")), "no stage ran");
  }

  @Test
  void aSymbolicLinkInsideTheOutputRootCannotSendTheCsvOutsideIt() throws Exception {
    Path root = Files.createDirectories(dir.resolve("published"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(root.resolve("week"), outside);
    UserError e = refused("run", "--input", input.toString(), "--output", root.resolve("x.csv").toString(),
        "-D", "merge.output=" + root.resolve("week/recommendations.csv"));
    assertTrue(e.getMessage().contains("merge.output " + root.resolve("week/recommendations.csv") + " (it resolves to"
        + " file:" + outside.toRealPath() + "/recommendations.csv) is outside merge.output-root"), e.getMessage());
    assertEquals(List.of(), Files.list(outside).toList());
  }

  @Test
  void wholeNumberKeysRefuseFractionsAndStrayArgumentsAreRefused() {
    UserError k = refused("run", "--input", input.toString(), "-D", "score.k=1.5");
    assertEquals("config key 'score.k' from command-line override score.k must be a whole number, got '1.5'",
        k.getMessage());
    UserError stray = refused("run", "--input", input.toString(), "extra");
    assertTrue(stray.getMessage().startsWith("run: unexpected argument 'extra'"), stray.getMessage());
  }
}
