package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.oozie.CoordinatorJobBean;
import org.apache.oozie.client.event.SLAEvent;
import org.apache.oozie.executor.jpa.SLASummaryQueryExecutor;
import org.apache.oozie.sla.SLASummaryBean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SLA for real: Oozie's engine with the services SLA needs ({@link OozieServer#SLA_SERVICES}, as docs/oozie.md
 * tells the cluster's admin), and the weekly coordinator as deployed, with a week whose input never arrives and
 * whose should-end is a minute after its nominal time. The engine's SLA service must record the miss, and its
 * e-mail listener mail it to alertEmail (a mail server of the test's own, {@link SmtpCatcher}, takes it).
 */
class SlaInTheEngineTest {

  private static OozieServer oozie;
  private static Path app;
  private static SmtpCatcher smtp;

  @BeforeAll
  static void startOozie() throws Exception {
    smtp = new SmtpCatcher();
    Map<String, String> site = new java.util.HashMap<>(OozieServer.SLA_SERVICES);
    site.put("oozie.email.smtp.port", String.valueOf(smtp.port()));
    oozie = new OozieServer(site);
    app = oozie.deploy();
  }

  @AfterAll
  static void stopOozie() throws Exception {
    oozie.close();
    smtp.close();
  }

  @Test
  void aWeekPastItsShouldEndIsAnSlaMissAsOoziesSlaServiceRecordsIt() throws Exception {
    Path data = Files.createTempDirectory("recsv-sla");
    Instant nominal = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.MINUTES);
    Properties job = EngineTest.weeks(app, data, nominal, nominal.plus(1, ChronoUnit.DAYS),
        Map.of("slaShouldStartMinutes", "1", "slaShouldEndMinutes", "1"));
    String coordinator = EngineTest.ops().submit(job);

    String[] action = new String[1];
    OozieServer.await("the week's SLA to be missed", 120, () -> {
      CoordinatorJobBean c = oozie.coordinator(coordinator);
      var actions = c.getActions();
      if (actions.isEmpty()) {
        return false;
      }
      action[0] = actions.get(0).getId();
      SLASummaryBean sla = summary(action[0]);
      return sla != null && sla.getEventStatus() == SLAEvent.EventStatus.END_MISS;
    });
    SLASummaryBean sla = summary(action[0]);
    assertNotNull(sla);
    assertEquals(SLAEvent.SLAStatus.MISS, sla.getSLAStatus(), "the week missed its SLA");
    assertEquals(nominal.plus(1, ChronoUnit.MINUTES).toEpochMilli(), sla.getExpectedEnd().getTime(),
        "should-end: slaShouldEndMinutes after the week's nominal time");
    assertTrue(sla.getActualStart() == null, "the week never started: its input never arrived");
    // And on-call is mailed, by Oozie's SLA e-mail listener: to alertEmail, naming the week's action and the miss.
    OozieServer.await("the SLA e-mail", 120, () -> smtp.mails().stream().anyMatch(m -> m.text().contains("END_MISS")));
    SmtpCatcher.Mail mail = smtp.mails().stream().filter(m -> m.text().contains("END_MISS")).findFirst().orElseThrow();
    assertEquals(List.of(job.getProperty("alertEmail")), mail.recipients());
    assertTrue(mail.text().contains(action[0]), mail.text());
  }

  private static SLASummaryBean summary(String id) {
    try {
      return SLASummaryQueryExecutor.getInstance().get(SLASummaryQueryExecutor.SLASummaryQuery.GET_SLA_SUMMARY, id);
    } catch (Exception e) {  // not registered yet
      return null;
    }
  }
}
