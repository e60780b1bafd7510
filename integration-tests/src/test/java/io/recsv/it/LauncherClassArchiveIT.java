package io.recsv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's class archive the build makes ({@code jobs/target/class-archive.sh}) and the launcher maps. A JVM
 * started with {@code -Xshare:on} refuses to start when it cannot map its archive, and {@code -Xlog:cds} names the
 * archives it opened: what these tests look at.
 */
class LauncherClassArchiveIT {

  private static final Path REPO =
      Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path TARGET = REPO.resolve("jobs/target");

  @TempDir
  Path dir;

  private record Run(int code, String stdout) {}

  private Run run(Map<String, String> env, List<String> command) throws Exception {
    Path out = dir.resolve("stdout.txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile()).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the JVM ends");
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private Path archive() throws Exception {
    Run path = run(Map.of(), List.of("bash", TARGET.resolve("class-archive.sh").toString(), "path"));
    assertEquals(0, path.code());
    Path archive = Path.of(path.stdout().trim());
    assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 0, "the build made " + archive
        + " (unless built with -Drecsv.class-archive.skip=true)");
    return archive;
  }

  @Test
  void everyLocalJvmOfTheLauncherMapsTheBuildsArchiveUnlessTurnedOff() throws Exception {
    Path archive = archive();
    List<String> version = List.of("bash", REPO.resolve("recsv").toString(), "--version");

    Run on = run(Map.of("RECSV_JAVA_OPTS", "-Xshare:on -Xlog:cds"), version);
    assertEquals(0, on.code(), on.stdout());
    assertTrue(on.stdout().contains("Opened archive " + archive), on.stdout());
    assertTrue(on.stdout().lines().anyMatch(l -> l.startsWith("recsv ")), on.stdout());

    Run off = run(Map.of("RECSV_JAVA_OPTS", "-Xlog:cds", "RECSV_CLASS_ARCHIVE", "off"), version);
    assertEquals(0, off.code(), off.stdout());
    assertFalse(off.stdout().contains(archive.toString()), off.stdout());
  }

  /**
   * Java 17 crashes when a flight recording started with the JVM meets archived classes (a stage, every time, on
   * Java 17.0.15): the launcher starts such a JVM without the archive, and the stage runs and records.
   */
  @Test
  void aStageStartedWithAFlightRecordingRunsWithoutTheArchive() throws Exception {
    Path archive = archive();
    Path input = Files.writeString(dir.resolve("in.csv"), "user_id,product_id,weight\n1,2,1\n3,4,1\n");
    Path recording = dir.resolve("stage.jfr");
    Run run = run(Map.of("RECSV_JAVA_OPTS", "-Xlog:cds -XX:StartFlightRecording=filename=" + recording),
        List.of("bash", REPO.resolve("recsv").toString(), "stage", "prepare", "--input", input.toString(), "--work",
            dir.resolve("w").toString()));
    assertEquals(0, run.code(), run.stdout());
    assertFalse(run.stdout().contains(archive.toString()), run.stdout());
    assertTrue(Files.size(recording) > 0, "the recording");
  }

  /**
   * The archive names the dependency jars only, and the launcher puts recsv's jar after them: a recsv jar built
   * after the archive (a copy, newer) starts with it; put first, as it was before the archive, it cannot.
   */
  @Test
  void aRecsvJarBuiltAfterTheArchiveKeepsIt() throws Exception {
    Path archive = archive();
    Path jar = dir.resolve("recsv-jobs.jar");
    Files.copy(TARGET.resolve("recsv-jobs-0.1.0-SNAPSHOT.jar"), jar);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
    String dependencies = Files.readString(TARGET.resolve("local-classpath.txt")).trim();
    String home = System.getenv("JAVA_HOME");
    String java = home == null ? "java" : Path.of(home, "bin", "java").toString();

    List<String> after = new ArrayList<>(List.of(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archive,
        "@" + TARGET.resolve("jvm.args"), "-cp", dependencies + ":" + jar, "io.recsv.cli.Main", "--version"));
    Run rebuilt = run(Map.of(), after);
    assertEquals(0, rebuilt.code(), rebuilt.stdout());
    assertTrue(rebuilt.stdout().startsWith("recsv "), rebuilt.stdout());

    List<String> first = new ArrayList<>(after);
    first.set(first.indexOf("-cp") + 1, jar + ":" + dependencies);
    assertNotEquals(0, run(Map.of(), first).code(), "an archive the JVM cannot map stops -Xshare:on");
  }
}
