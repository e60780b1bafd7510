package io.recsv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person meets through ./recsv when the input is bad: one line on stderr, exit 2; more with --verbose. */
class LauncherErrorsIT {

  private static final Path REPO =
      Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @TempDir
  Path dir;

  private record Run(int code, List<String> stderr, List<String> stdout) {}

  private Run recsv(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("recsv").toString()));
    command.addAll(List.of(args));
    Path err = dir.resolve("stderr.txt");
    Path out = dir.resolve("stdout.txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile())
        .redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the launcher ends");
    return new Run(p.exitValue(), Files.readAllLines(err, StandardCharsets.UTF_8),
        Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  @Test
  void aBadRowIsOneLineOnStderrAndVerboseShowsSparksOwnReport() throws Exception {
    Path input = Files.writeString(dir.resolve("in.csv"), "user_id,product_id,weight\n1,2,1\n3,x,1\n");
    Run quiet = recsv("stage", "prepare", "--input", input.toString(), "--work", dir.resolve("w").toString());
    assertEquals(2, quiet.code());
    // On a busy machine prepare may take longer than a progress beat (10 s): those lines are not the error's.
    assertEquals(List.of("recsv: prepare.input: file:" + input + " line 3: product_id 'x' is not a 64-bit integer"
        + " (1 invalid row in " + input + "; nothing was written)"), quiet.stderr().stream()
        .filter(line -> !line.startsWith("[prepare] ")).toList());

    Run verbose = recsv("stage", "prepare", "--input", input.toString(), "--work", dir.resolve("w").toString(),
        "--verbose");
    assertEquals(2, verbose.code());
    assertTrue(verbose.stderr().stream().anyMatch(l -> l.contains("TaskSetManager: Lost task")), "Spark's report");
    assertTrue(verbose.stderr().stream().anyMatch(l -> l.trim().startsWith("at ")), "and the stack trace");
  }

  @Test
  void quietPrintsNothingButTheResultAndABadMasterOrLogLevelIsOneLine() throws Exception {
    Path input = Files.writeString(dir.resolve("in.csv"), "user_id,product_id,weight\n1,2,1\n3,4,1\n");
    // A beat every 100 ms would print while prepare runs; --quiet turns it off (it wins over -D), with Spark's
    // warnings and the per-stage lines.
    Run quiet = recsv("stage", "prepare", "--quiet", "--input", input.toString(), "--work",
        dir.resolve("w").toString(), "-D", "run.progress-every=100ms");
    assertEquals(0, quiet.code(), String.join("\n", quiet.stderr()));
    assertEquals(List.of(), quiet.stdout());
    assertEquals(List.of(), quiet.stderr());

    Run master = recsv("stage", "prepare", "--master", "bogus", "--input", input.toString(), "--work",
        dir.resolve("w").toString());
    assertEquals(2, master.code());
    assertEquals(List.of("recsv: config key 'spark.master' (--master): Spark cannot start with master 'bogus': Could"
        + " not parse Master URL: 'bogus' (local, local[N], local[*], yarn, spark://HOST:PORT, k8s://...)"),
        master.stderr());

    Run bad = recsv("stage", "prepare", "--log-level", "loud", "--input", input.toString());
    assertEquals(2, bad.code());
    assertEquals(List.of("recsv: --log-level takes error, warn, info or debug, got 'loud'"), bad.stderr());
  }

  @Test
  void aStrayChecksumFileInTheInputIsIgnoredQuietly() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("a.csv"), "user_id,product_id,weight\n1,2,1\n3,4,1\n");
    // Hadoop's local file system reads a .crc beside a file as its checksum; this one is not: it is ignored.
    Files.writeString(in.resolve(".a.csv.crc"), "not a checksum file");
    Run run = recsv("stage", "prepare", "--input", in.toString(), "--work", dir.resolve("w").toString(), "-D",
        "run.progress-every=0");
    assertEquals(0, run.code(), String.join("\n", run.stderr()));
    assertEquals(List.of(), run.stderr(), "no warning, no stack trace");
    assertTrue(run.stdout().stream().anyMatch(l -> l.startsWith("[prepare] done")), run.stdout().toString());
  }

  @Test
  void theBenchmarksRunFromTheirOwnModuleWithGeneratedHelp() throws Exception {
    Run help = recsv("bench", "--help");
    assertEquals(0, help.code(), String.join("\n", help.stderr()));
    String listed = String.join("\n", help.stdout());
    for (String bench : List.of("pipeline", "merge", "score")) {
      assertTrue(listed.contains("  " + bench + " "), listed);
    }
    Run typo = recsv("bench", "merge", "--mibs", "8");
    assertEquals(2, typo.code());
    assertTrue(typo.stderr().get(0).startsWith("Unknown option"), typo.stderr().toString());
    Run merge = recsv("bench", "merge", "--mib=4", "--parts", "2", "--rounds", "1", "--no-spark");
    assertEquals(0, merge.code(), String.join("\n", merge.stderr()));
    assertTrue(merge.stdout().stream().anyMatch(l -> l.contains("recsv merge, checksum=verify")), merge.stdout()
        .toString());
  }
}
