package io.recsv.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./recsv oozie validate} refuses each defect the app had before it was proven in Oozie's engine: every
 * case below puts one back into the real files, and validation must name it.
 */
class AppChecksTest {

  private static final Path APP = Path.of(System.getProperty("recsv.repo.root", ".."))
      .resolve("workflows/recommendations");

  @TempDir
  Path dir;

  private List<String> validate(String workflow, String coordinator) throws Exception {
    Path wf = Files.writeString(dir.resolve("workflow.xml"), workflow);
    Path coord = Files.writeString(dir.resolve("coordinator.xml"), coordinator);
    return OozieApp.validate(wf, coord);
  }

  private static String workflow() throws Exception {
    return Files.readString(APP.resolve("workflow.xml"));
  }

  private static String coordinator() throws Exception {
    return Files.readString(APP.resolve("coordinator.xml"));
  }

  private static void assertNamed(List<String> errors, String expected) {
    assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), "expected '" + expected + "' in " + errors);
  }

  private static String without(String text, String regex) {
    String result = text.replaceAll(regex, "");
    assertTrue(!result.equals(text), "the case removes something: " + regex);
    return result;
  }

  @Test
  void theAppAsItIsPasses() throws Exception {
    assertEquals(List.of(), validate(workflow(), coordinator()));
    assertEquals(List.of(), OozieApp.validate(APP.getParent().getParent()));
  }

  @Test
  void aJavaActionOfRecsvsWithoutTheLaunchersJavaHome() throws Exception {
    String wf = without(workflow(), "(?s)<launcher>\\s*<env>JAVA_HOME=\\$\\{sparkJavaHome}</env>\\s*</launcher>");
    assertNamed(validate(wf, coordinator()), "java action 'gate' runs io.recsv.workflow.GateMain (Java 17) in the"
        + " Oozie launcher");
    Path retention = dir.resolve("retention.xml");
    Files.writeString(retention, without(Files.readString(APP.resolve("retention/workflow.xml")),
        "<env>JAVA_HOME=\\$\\{sparkJavaHome}</env>"));
    assertNamed(AppChecks.launcherJavaErrors(retention), "java action 'retention' runs io.recsv.ops.RetentionMain");
    assertEquals(List.of(), AppChecks.launcherJavaErrors(APP.resolve("retention/workflow.xml")));
  }

  @Test
  void anElFunctionInAParameterDefault() throws Exception {
    String wf = workflow().replace("<parameters>", "<parameters><property><name>jobsJar</name>"
        + "<value>${wf:appPath()}/lib/recsv-jobs-cluster.jar</value></property>")
        .replace("<jar>${wf:appPath()}/lib/recsv-jobs-cluster.jar</jar>", "<jar>${jobsJar}</jar>");
    assertNamed(validate(wf, coordinator()), "the default of parameter 'jobsJar' calls an EL function");
  }

  @Test
  void noInputForPrepare() throws Exception {
    String wf = without(workflow(), "\\s*<arg>prepare\\.input=\\$\\{inputPath}</arg>");
    assertNamed(validate(wf, coordinator()), "the first stage is given no prepare.input");
  }

  @Test
  void noInputDatasetSoTheTimeoutNeverFires() throws Exception {
    String coord = without(coordinator(), "(?s)\\s*<input-events>.*</input-events>");
    assertNamed(validate(workflow(), coord), "no <input-events>");
    String noFlag = without(coordinator(), "\\s*<done-flag>[^<]*</done-flag>");
    assertNamed(validate(workflow(), noFlag), "no dataset has a <done-flag>");
    String noDataIn = without(coordinator(), "(?s)\\s*<property><name>inputPath</name>.*?</property>");
    assertNamed(validate(workflow(), noDataIn), "not given the week's input (coord:dataIn)");
  }

  @Test
  void noRetries() throws Exception {
    String wf = without(workflow(), " retry-max=\"\\$\\{stageRetries}\" retry-interval=\"\\$\\{stageRetryIntervalMinutes}\"");
    assertNamed(validate(wf, coordinator()), "stage 'prepare' has no retry-max and retry-interval");
    String attempts = workflow().replace(" --conf spark.yarn.maxAppAttempts=1", "");
    assertNamed(validate(attempts, coordinator()), "must set --queue and spark.yarn.maxAppAttempts=1");
  }

  @Test
  void noQueueOrSharelib() throws Exception {
    String wf = without(workflow(), "(?s)\\s*<launcher>.*?</launcher>");
    assertNamed(validate(wf, coordinator()), "<global> has no <launcher> with <queue> and <sharelib>");
  }

  @Test
  void noSla() throws Exception {
    String coord = without(coordinator(), "(?s)\\s*<sla:info>.*</sla:info>");
    assertNamed(validate(workflow(), coord), "no <sla:info>");
  }

  @Test
  void noNotificationOnFailure() throws Exception {
    String wf = workflow().replace("<error to=\"alert-score\"/>", "<error to=\"fail-score\"/>");
    assertNamed(validate(wf, coordinator()), "stage 'score': its <error> leads to 'fail-score', not to an e-mail alert");
  }

  @Test
  void aKillMessageThatWouldNameTheEmailInsteadOfTheStage() throws Exception {
    String wf = workflow().replace("failed at stage [merge]: ${wf:errorMessage('merge')}",
        "failed at stage [${wf:lastErrorNode()}]: ${wf:errorMessage(wf:lastErrorNode())}");
    assertNamed(validate(wf, coordinator()), "kill node 'fail-merge' names wf:lastErrorNode()");
  }
}
