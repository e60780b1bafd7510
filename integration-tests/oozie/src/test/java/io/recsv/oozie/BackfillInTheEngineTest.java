package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.ops.OozieOps;
import io.recsv.workflow.WorkflowDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.Test;

/**
 * Past weeks beside the live coordinator: a backfill of weeks it does not cover is submitted and runs them, one
 * that overlaps is refused; a dry run shows what would materialize; one week of a coordinator is rerun.
 */
class BackfillInTheEngineTest extends EngineTest {

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
    OozieOps ops = ops();
    Path data = Files.createTempDirectory("recsv-backfill");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    for (int weeksAgo = 0; weeksAgo <= 2; weeksAgo++) {
      Path input = data.resolve("interactions/" + DAY.format(now.minus(7L * weeksAgo, ChronoUnit.DAYS)));
      Files.writeString(Files.createDirectories(input).resolve("_SUCCESS"), "");
    }
    StandInSparkExecutor.failStage = "";
    String live = ops.submit(weeks(app, data, now, now.plus(1, ChronoUnit.DAYS), Map.of()));
    assertEquals(List.of(DAY.format(now)), weeksRun(live, 1));

    // The two weeks before it: materialized at once (they are past), each with its own input.
    Properties backfill = weeks(app, data, now.minus(14, ChronoUnit.DAYS), now.minus(7, ChronoUnit.DAYS).plus(59,
        ChronoUnit.MINUTES), Map.of());
    assertTrue(ops.dryrun(backfill).contains("action-nominal-time=\"" + OOZIE_TIME.format(now.minus(14,
        ChronoUnit.DAYS)) + "\""), "the dry run shows the first week it would make");
    String past = ops.submit(backfill);
    assertEquals(List.of(DAY.format(now.minus(14, ChronoUnit.DAYS)), DAY.format(now.minus(7, ChronoUnit.DAYS))),
        weeksRun(past, 2));

    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> ops.submit(weeks(app, data, now.minus(7, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS), Map.of())));
    assertTrue(twice.getMessage().contains("would run those weeks twice"), twice.getMessage());

    StandInSparkExecutor.STARTED.clear();
    List<CoordinatorAction> rerun = ops.rerunWeek(live, DAY.format(now), true, new Properties());
    assertEquals(1, rerun.size());
    OozieServer.await("the week's rerun to run every stage", 60, () -> StandInSparkExecutor.STARTED.size()
        == WorkflowDefinition.load(OozieServer.REPO.resolve("workflows/recommendations/workflow.xml")).stageNames().size());
    assertTrue(StandInSparkExecutor.STARTED.stream().allMatch(s -> s.args().contains("run.id=" + DAY.format(now))));
    IllegalArgumentException noWeek = assertThrows(IllegalArgumentException.class,
        () -> ops.rerunWeek(live, "2020-01-06", false, new Properties()));
    assertTrue(noWeek.getMessage().contains("has no week 2020-01-06"), noWeek.getMessage());
  }
}
