package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.Test;

/**
 * Retention as its own coordinator in Oozie's engine: the java action runs RetentionMain with the arguments the
 * engine evaluated, and deletes exactly the old weeks, never the current one, a locked one or a manual run.
 */
class RetentionInTheEngineTest extends EngineTest {


  private static List<String> names(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theRetentionCoordinatorDeletesOldWeeksAndNothingElse() throws Exception {
    Path data = Files.createTempDirectory("recsv-retention");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (int weeksAgo = 0; weeksAgo <= 5; weeksAgo++) {
      String week = today.minusWeeks(weeksAgo).toString();
      Files.createDirectories(data.resolve("work/" + week + "/score/top"));
      Files.createDirectories(data.resolve("published/" + week));
      Files.writeString(data.resolve("published/" + week + "/recommendations.csv"), "user_id,product_id,score\n");
    }
    Files.createDirectories(data.resolve("work/demo/prepare"));
    String locked = today.minusWeeks(4).toString();
    Files.writeString(data.resolve("work/" + locked + "/_recsv.lock"), "{}");

    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Properties job = weeks(app, data, now, now.plus(1, ChronoUnit.DAYS), Map.of("keepWeeks", "2", "keepCsvs", "3",
        "oozie.coord.application.path", "file://" + app + "/retention/coordinator.xml"));
    String coordinator = ops().submit(job);

    OozieServer.await("the retention workflow to succeed", 90, () -> {
      CoordinatorJob c = oozie.coordinator(coordinator);
      return !c.getActions().isEmpty() && c.getActions().get(0).getExternalId() != null
          && oozie.workflow(c.getActions().get(0).getExternalId()).getStatus() == WorkflowJob.Status.SUCCEEDED;
    });
    assertEquals(List.of(today.minusWeeks(4).toString(), today.minusWeeks(1).toString(), today.toString(), "demo"),
        names(data.resolve("work")), "the newest 2, the locked week and the manual run stay");
    assertEquals(List.of(today.minusWeeks(2).toString(), today.minusWeeks(1).toString(), today.toString()),
        names(data.resolve("published")), "the newest 3 CSVs stay");
  }
}
