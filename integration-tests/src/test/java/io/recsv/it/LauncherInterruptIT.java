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
    Process run = new ProcessBuilder("bash", REPO.resolve("recsv").toString(), "run", "--work",
        dir.resolve("w").toString()).directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile())
        .start();
    try {
      // Wait until a stage is under way (the launcher execs java: the pid is the JVM's), then Ctrl-C. The waits are
      // generous: on a loaded machine (two builds at once) the JVM's exit, its shutdown hooks included, has taken
      // over a minute.
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
