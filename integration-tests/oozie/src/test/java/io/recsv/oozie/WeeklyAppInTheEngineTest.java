package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.workflow.lite.LauncherSettings;
import org.jdom.Element;
import org.jdom.Namespace;
import org.junit.jupiter.api.Test;

/**
 * The weekly application as Oozie 5.2.1's own server code reads it: the coordinator materializes a week, the
 * workflow is submitted with that week's configuration, and every spark action is evaluated as at its start.
 * What spark-submit would then be given must be complete (no EL left), point at files that the deploy puts in
 * the application, and be the week's.
 */
class WeeklyAppInTheEngineTest extends EngineTest {

  private static final Namespace SPARK = Namespace.getNamespace("uri:oozie:spark-action:1.0");

  private static Configuration job() throws Exception {
    return OozieServer.jobProperties(app, Map.of("inputRoot", "file:///data/interactions",
        "runRoot", "file:///data/recsv/work", "outputRoot", "file:///data/recsv/published"));
  }

  @Test
  void aWeekMaterializesWithItsRunIdAndInputAndEveryActionIsCompleteAsOozieEvaluatesIt() throws Exception {
    List<OozieServer.Week> weeks = oozie.weeks(job());
    assertFalse(weeks.isEmpty(), "the first week materializes");
    assertEquals("2026-11-30T02:00Z", weeks.get(0).nominalTime());
    // It waits for its input: the week's instance of the dataset, complete when its done-flag exists.
    String materialized = org.apache.oozie.util.XmlUtils.prettyPrint(weeks.get(0).materialized()).toString();
    assertTrue(materialized.contains("<uris>file:///data/interactions/2026-11-30</uris>")
        && materialized.contains("<done-flag>_SUCCESS</done-flag>"), materialized);
    Configuration week = weeks.get(0).workflowConf();
    assertEquals("2026-11-30", week.get("runId"), "the run id is the week's nominal date");
    assertEquals("file:///data/interactions/2026-11-30", week.get("inputPath"), "the week's input instance");

    Map<String, Element> actions = oozie.evaluatedActions(week);
    List<String> stages = new ArrayList<>();
    for (Map.Entry<String, Element> action : actions.entrySet()) {
      Element spark = action.getValue();
      if (!"spark".equals(spark.getName())) {
        continue;  // the alert's e-mail
      }
      String stage = action.getKey();
      stages.add(stage);
      System.out.println(sparkSubmit(stage, spark));
      List<String> values = new ArrayList<>();
      values.add(spark.getChildText("jar", SPARK));
      values.add(spark.getChildText("spark-opts", SPARK));
      for (String element : List.of("arg", "file")) {
        for (Object o : spark.getChildren(element, SPARK)) {
          values.add(((Element) o).getText());
        }
      }
      for (String value : values) {
        assertFalse(value.contains("${"), stage + ": Oozie left EL unevaluated in '" + value + "'");
      }
      assertDeployed(stage, spark.getChildText("jar", SPARK));
      for (Object o : spark.getChildren("file", SPARK)) {
        String file = ((Element) o).getText();
        assertDeployed(stage, file.substring(0, file.indexOf('#')));
      }
      List<String> args = texts(spark, "arg");
      assertTrue(args.contains("run.id=2026-11-30"), stage + ": " + args);
      assertTrue(args.contains("run.root=file:///data/recsv/work"), stage + ": " + args);
      assertTrue(spark.getChildText("spark-opts", SPARK).contains("--queue recsv"), stage);
      assertTrue(spark.getChildText("spark-opts", SPARK)
          .contains("spark.yarn.appMasterEnv.JAVA_HOME=/usr/lib/jvm/java-17-openjdk"), stage);
    }
    assertEquals(List.of("prepare", "evaluate", "train", "score", "export", "merge"), stages);
    // The gate's main is recsv's Java 17 code, run in the launcher: its launcher configuration, as Oozie makes it
    // of the evaluated action, starts the launcher on that Java.
    assertEquals("JAVA_HOME=/usr/lib/jvm/java-17-openjdk",
        LauncherSettings.of(actions.get("gate")).get("oozie.launcher.env"));
    assertTrue(texts(actions.get("prepare"), "arg").contains("prepare.input=file:///data/interactions/2026-11-30"),
        "prepare reads the week's input");

    // The jobs module builds each stage's config from exactly these arguments and files (EvaluatedActionsTest):
    // the record it reads must be this evaluation.
    String record = record(actions);
    Path checkedIn = OozieServer.REPO.resolve(EVALUATED);
    if (!Files.exists(checkedIn) || !Files.readString(checkedIn).equals(record)) {
      Files.writeString(OozieServer.REPO.resolve(EVALUATED + ".new"), record);
    }
    assertEquals(record, Files.exists(checkedIn) ? Files.readString(checkedIn) : "", EVALUATED + " is stale: the"
        + " evaluation is in " + EVALUATED + ".new; review it and move it into place");
  }

  /** The evaluated spark actions as the jobs module's test reads them, with the app's directory as ${appPath}. */
  static final String EVALUATED = "workflows/recommendations/evaluated-actions.txt";

  private static String record(Map<String, Element> actions) {
    StringBuilder out = new StringBuilder("# Generated by integration-tests/oozie (WeeklyAppInTheEngineTest): each spark action of"
        + " workflow.xml\n# as Oozie 5.2.1 evaluates it at its start, for the week 2026-11-30 of coordinator.xml"
        + " with job.properties.\n# The jobs module builds each stage from exactly these (EvaluatedActionsTest)."
        + " When stale, the test fails and writes the new one beside it (.new).\n");
    for (Map.Entry<String, Element> action : actions.entrySet()) {
      Element spark = action.getValue();
      if (!"spark".equals(spark.getName())) {
        continue;
      }
      out.append("\n[").append(action.getKey()).append("]\n");
      out.append("master=").append(spark.getChildText("master", SPARK)).append('\n');
      out.append("mode=").append(spark.getChildText("mode", SPARK)).append('\n');
      out.append("name=").append(spark.getChildText("name", SPARK)).append('\n');
      out.append("class=").append(spark.getChildText("class", SPARK)).append('\n');
      out.append("spark-opts=").append(spark.getChildText("spark-opts", SPARK)).append('\n');
      out.append("jar=").append(relative(spark.getChildText("jar", SPARK))).append('\n');
      for (String file : texts(spark, "file")) {
        out.append("file=").append(relative(file)).append('\n');
      }
      for (String arg : texts(spark, "arg")) {
        out.append("arg=").append(arg).append('\n');
      }
    }
    return out.toString();
  }

  private static String relative(String uri) {
    return uri.replace("file://" + app, "${appPath}");
  }

  @Test
  void anElFunctionInAParameterDefaultReachesTheActionUnevaluated() throws Exception {
    // The defect the app had: Oozie stores a <parameters> default as text. This is why every EL function is
    // written in the action itself; the check above would catch a default like this one.
    Path broken = Files.createDirectories(app.getParent().resolve("broken"));
    for (String name : List.of("coordinator.xml", "workflow.xml")) {
      Files.copy(app.resolve(name), broken.resolve(name));
    }
    Files.writeString(broken.resolve("workflow.xml"), Files.readString(app.resolve("workflow.xml"))
        .replace("<parameters>", "<parameters><property><name>jobsJar</name>"
            + "<value>${wf:appPath()}/lib/recsv-jobs-cluster.jar</value></property>")
        .replace("<jar>${wf:appPath()}/lib/recsv-jobs-cluster.jar</jar>", "<jar>${jobsJar}</jar>"));
    Configuration week = oozie.weeks(job()).get(0).workflowConf();
    week.set("oozie.wf.application.path", "file://" + broken);
    Element prepare = oozie.evaluatedActions(week).get("prepare");
    assertEquals("${wf:appPath()}/lib/recsv-jobs-cluster.jar", prepare.getChildText("jar", SPARK));
  }

  private static void assertDeployed(String stage, String uri) {
    assertTrue(uri.startsWith("file://" + app + "/"), stage + ": " + uri + " is inside the application");
    assertTrue(Files.isRegularFile(Path.of(uri.substring("file://".length()))), stage + ": deployed " + uri);
  }

  private static List<String> texts(Element spark, String element) {
    List<String> texts = new ArrayList<>();
    for (Object o : spark.getChildren(element, SPARK)) {
      texts.add(((Element) o).getText());
    }
    return texts;
  }

  /** The spark-submit command line Oozie's SparkMain builds from the action, for the record. */
  private static String sparkSubmit(String stage, Element spark) {
    StringBuilder cmd = new StringBuilder("[" + stage + "] spark-submit --master " + spark.getChildText("master", SPARK)
        + " --deploy-mode " + spark.getChildText("mode", SPARK) + " --name " + spark.getChildText("name", SPARK)
        + " --class " + spark.getChildText("class", SPARK) + " " + spark.getChildText("spark-opts", SPARK));
    List<String> files = texts(spark, "file");
    cmd.append(" --files ").append(String.join(",", files));
    cmd.append(" ").append(spark.getChildText("jar", SPARK));
    for (String arg : texts(spark, "arg")) {
      cmd.append(" ").append(arg);
    }
    return cmd.toString();
  }
}
