package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.workflow.OozieOps;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.CoordinatorEngine;
import org.apache.oozie.DagEngine;
import org.apache.oozie.LocalOozieClient;
import org.apache.oozie.LocalOozieClientCoord;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Past weeks beside the live coordinator: a backfill of weeks it does not cover is submitted and runs them, one
 * that overlaps is refused; a dry run shows what would materialize; one week of a coordinator is rerun.
 */
class BackfillInTheEngineTest {

  private static final DateTimeFormatter OOZIE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
  private static OozieServer oozie;
  private static Path app;

  @BeforeAll
  static void start() throws Exception {
    oozie = new OozieServer();
    app = oozie.deploy();
  }

  @AfterAll
  static void stop() {
    oozie.close();
  }

  private static Properties job(Path data, Instant start, Instant end) throws Exception {
    Configuration conf = OozieServer.jobProperties(app, Map.of("startTime", OOZIE_TIME.format(start),
        "endTime", OOZIE_TIME.format(end), "inputRoot", "file://" + data.resolve("interactions"),
        "runRoot", "file://" + data.resolve("work"), "outputRoot", "file://" + data.resolve("published")));
    Properties job = new Properties();
    conf.forEach(e -> job.setProperty(e.getKey(), conf.get(e.getKey())));
    return job;
  }

  private static List<String> weeksRun(String coordinator, int expected) throws Exception {
    OozieServer.await(expected + " weeks of " + coordinator + " to succeed", 120, () -> {
      CoordinatorJob c = oozie.coordinator(coordinator);
      if (c.getActions().size() != expected) {
        return false;
      }
      for (CoordinatorAction a : c.getActions()) {
        if (a.getExternalId() == null || oozie.workflow(a.getExternalId()).getStatus() != WorkflowJob.Status.SUCCEEDED) {
          return false;
        }
      }
      return true;
    });
    return oozie.coordinator(coordinator).getActions().stream().map(a -> DAY.format(a.getNominalTime().toInstant()))
        .toList();
  }

  @Test
  void aBackfillRunsPastWeeksBesideTheLiveCoordinatorNeverTheSameWeekTwice() throws Exception {
    String user = System.getProperty("user.name");
    OozieOps ops = new OozieOps(new LocalOozieClientCoord(new CoordinatorEngine(user)),
        new LocalOozieClient(new DagEngine(user)), new PrintStream(java.io.OutputStream.nullOutputStream()));
    Path data = Files.createTempDirectory("recsv-backfill");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    for (int weeksAgo = 0; weeksAgo <= 2; weeksAgo++) {
      Path input = data.resolve("interactions/" + DAY.format(now.minus(7L * weeksAgo, ChronoUnit.DAYS)));
      Files.writeString(Files.createDirectories(input).resolve("_SUCCESS"), "");
    }
    StandInSparkExecutor.failStage = "";
    String live = ops.submit(job(data, now, now.plus(1, ChronoUnit.DAYS)));
    assertEquals(List.of(DAY.format(now)), weeksRun(live, 1));

    // The two weeks before it: materialized at once (they are past), each with its own input.
    Properties backfill = job(data, now.minus(14, ChronoUnit.DAYS), now.minus(7, ChronoUnit.DAYS).plus(59,
        ChronoUnit.MINUTES));
    assertTrue(ops.dryrun(backfill).contains("action-nominal-time=\"" + OOZIE_TIME.format(now.minus(14,
        ChronoUnit.DAYS)) + "\""), "the dry run shows the first week it would make");
    String past = ops.submit(backfill);
    assertEquals(List.of(DAY.format(now.minus(14, ChronoUnit.DAYS)), DAY.format(now.minus(7, ChronoUnit.DAYS))),
        weeksRun(past, 2));

    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> ops.submit(job(data, now.minus(7, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS))));
    assertTrue(twice.getMessage().contains("would run those weeks twice"), twice.getMessage());

    StandInSparkExecutor.STARTED.clear();
    List<CoordinatorAction> rerun = ops.rerunWeek(live, DAY.format(now), true, new Properties());
    assertEquals(1, rerun.size());
    OozieServer.await("the week's rerun to run every stage", 60, () -> StandInSparkExecutor.STARTED.size() == 5);
    assertTrue(StandInSparkExecutor.STARTED.stream().allMatch(s -> s.args().contains("run.id=" + DAY.format(now))));
    IllegalArgumentException noWeek = assertThrows(IllegalArgumentException.class,
        () -> ops.rerunWeek(live, "2020-01-06", false, new Properties()));
    assertTrue(noWeek.getMessage().contains("has no week 2020-01-06"), noWeek.getMessage());
  }
}
