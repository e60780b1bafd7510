package io.recsv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C on ./recsv run: it says it was interrupted, exits 130, and publishes nothing. */
class LauncherInterruptIT {

  private static final Path REPO =
      Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void ctrlCSaysInterruptedExits130AndPublishesNothing() throws Exception {
    Path err = dir.resolve("stderr.txt");
    Path out = dir.resolve("stdout.txt");
    // SIGINT as a terminal's Ctrl-C meets it: a build started in the background of a non-interactive shell (as
    // `.ci/run &` is) passes SIGINT on ignored, and an ignored Ctrl-C lets the run go on to publish.
    Process run = new ProcessBuilder("env", "--default-signal=INT", "bash", REPO.resolve("recsv").toString(), "run",
        "--work",
        dir.resolve("w").toString()).directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile())
        .start();
    try {
      // Wait until a stage is under way (env and the launcher exec: the pid is the JVM's), then Ctrl-C. The waits
      // are generous and explicit: a loaded machine must not fail the test.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
      while (!Files.readString(out).contains("[prepare] running...") && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertTrue(Files.readString(out).contains("[prepare] running..."), Files.readString(out));
      Thread.sleep(1500);
      assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(run.pid())).start().waitFor());
      if (!run.waitFor(600, TimeUnit.SECONDS)) {
        Process jstack = new ProcessBuilder("jstack", String.valueOf(run.pid())).redirectErrorStream(true).start();
        String threads = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new AssertionError("./recsv run did not end within 10 minutes of Ctrl-C; its stderr:\n"
            + Files.readString(err) + "\nits threads:\n" + threads);
      }
    } finally {
      run.destroyForcibly();  // after a failure: the temporary directory must be deletable
    }

    assertEquals(130, run.exitValue());
    List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
    assertTrue(stderr.stream().anyMatch(l -> l.startsWith("recsv: interrupted")), stderr.toString());
    assertFalse(stderr.stream().anyMatch(l -> l.startsWith("recsv: prepare.input")), "the input is not blamed");
    assertFalse(Files.exists(dir.resolve("w/published/demo/recommendations.csv")), "nothing published");
    assertFalse(Files.exists(dir.resolve("w/demo/prepare")), "no stage output half-written under its name");
  }
}
