package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.ops.OozieApp;
import io.recsv.ops.OozieOps;
import io.recsv.ops.Releases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versioned releases in Oozie's engine: a week started on release B finishes on B although the coordinator is
 * rolled back to release A while the week runs; the coordinator starts its next weeks on A.
 */
class ReleasesInTheEngineTest extends EngineTest {

  private static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("recsv-apps").resolve("recsv");
    for (String version : new String[] {"0.1.0-A", "0.1.0-B"}) {
      Path release = Path.of(Releases.dir(root.toString(), version));
      Path jar = Files.writeString(Files.createTempFile("recsv-jobs", ".jar"), "stand-in " + version);
      for (OozieApp.Entry entry : OozieApp.entries(OozieServer.REPO, jar)) {
        Path target = release.resolve(entry.target());
        Files.createDirectories(target.getParent());
        Files.copy(entry.source(), target);
      }
    }
  }

  @Test
  void aWeekRunningWhileTheCoordinatorIsRolledBackFinishesOnTheReleaseItStartedWith() throws Exception {
    OozieOps ops = ops();
    Path data = Files.createTempDirectory("recsv-release-week");
    Instant nominal = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    String week = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(nominal);
    Files.writeString(Files.createDirectories(data.resolve("interactions/" + week)).resolve("_SUCCESS"), "");
    Properties job = weeks(root, data, nominal, nominal.plus(1, ChronoUnit.DAYS), Map.of());
    String releaseA = Releases.dir("file://" + root, "0.1.0-A");
    String releaseB = Releases.dir("file://" + root, "0.1.0-B");

    StandInSparkExecutor.failStage = "";
    StandInSparkExecutor.STARTED.clear();
    StandInSparkExecutor.holdStage = "train";
    StandInSparkExecutor.hold = new CountDownLatch(1);
    String coordinator = ops.submit(Releases.pin(job, releaseB));
    OozieServer.await("the week to reach train", 90, () -> StandInSparkExecutor.STARTED.stream()
        .anyMatch(s -> s.stage().equals("train")));

    assertEquals(releaseA, ops.releaseDirFor(coordinator, "0.1.0-A"));
    ops.switchRelease(coordinator, releaseA);  // the rollback, while the week is in train
    assertTrue(oozie.coordinator(coordinator).getConf().contains(releaseA + "/coordinator.xml"),
        "the coordinator's next weeks start on release A");
    StandInSparkExecutor.hold.countDown();

    OozieServer.await("the week to end", 90, () -> {
      CoordinatorJob c = oozie.coordinator(coordinator);
      return c.getActions().get(0).getExternalId() != null
          && oozie.workflow(c.getActions().get(0).getExternalId()).getStatus() == WorkflowJob.Status.SUCCEEDED;
    });
    StandInSparkExecutor.holdStage = "";
    assertEquals(6, StandInSparkExecutor.STARTED.size(), "every spark action of the week");
    for (StandInSparkExecutor.Started s : StandInSparkExecutor.STARTED) {
      assertTrue(s.jar().startsWith(releaseB + "/lib/"), s.stage() + " ran B's jar: " + s.jar());
      for (String file : s.files()) {
        assertTrue(file.startsWith(releaseB + "/config/"), s.stage() + " read B's config: " + file);
      }
    }
  }
}
