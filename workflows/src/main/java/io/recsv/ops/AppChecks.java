package io.recsv.ops;

import io.recsv.workflow.WorkflowDefinition;
import io.recsv.workflow.Xml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * What the XSDs cannot see, and Oozie's own evaluation of the application showed (see integration-tests/oozie):
 * the rules a weekly app must keep to work on a cluster on its first submit. Each rule names what breaks without
 * it. No Oozie server is needed: the files are read as XML.
 */
final class AppChecks {

  private static final String COORD_NS = "uri:oozie:coordinator:0.5";
  private static final String SLA_NS = "uri:oozie:sla:0.2";
  private static final Pattern EL_FUNCTION = Pattern.compile("\\$\\{[^}]*\\w+:\\w+\\(");

  private AppChecks() {}

  static List<String> workflowErrors(Path file) {
    Element root = parse(file);
    List<String> errors = new ArrayList<>(launcherJavaErrors(file));
    for (Element parameters : Xml.childrenNamed(root, Xml.WORKFLOW_NS, "parameters")) {
      for (Element property : Xml.children(parameters)) {
        String value = text(property, Xml.WORKFLOW_NS, "value");
        if (value != null && EL_FUNCTION.matcher(value).find()) {
          errors.add(file + ": the default of parameter '" + text(property, Xml.WORKFLOW_NS, "name")
              + "' calls an EL function (" + value + "); Oozie stores defaults as text, so the actions would get"
              + " it unevaluated: write the function in the action instead");
        }
      }
    }
    Element global = first(root, Xml.WORKFLOW_NS, "global");
    Element launcher = global == null ? null : first(global, Xml.WORKFLOW_NS, "launcher");
    if (launcher == null || first(launcher, Xml.WORKFLOW_NS, "queue") == null
        || first(launcher, Xml.WORKFLOW_NS, "sharelib") == null) {
      errors.add(file + ": <global> has no <launcher> with <queue> and <sharelib>: the launchers would run in the"
          + " default queue with whatever sharelib the cluster's global property names");
    }
    WorkflowDefinition workflow = WorkflowDefinition.load(file);
    for (Element action : Xml.childrenNamed(root, Xml.WORKFLOW_NS, "action")) {
      String name = action.getAttribute("name");
      if (!workflow.stageNames().contains(name)) {
        continue;
      }
      Element spark = first(action, Xml.SPARK_NS, "spark");
      String where = file + ": stage '" + name + "'";
      if (action.getAttribute("retry-max").isEmpty() || action.getAttribute("retry-interval").isEmpty()) {
        errors.add(where + " has no retry-max and retry-interval: a lost node fails the week instead of retrying"
            + " the (idempotent) stage");
      }
      String opts = text(spark, Xml.SPARK_NS, "spark-opts");
      if (opts == null || !opts.contains("--queue") || !opts.contains("spark.yarn.maxAppAttempts=1")) {
        errors.add(where + ": <spark-opts> must set --queue and spark.yarn.maxAppAttempts=1 (Oozie retries the"
            + " stage; a second YARN attempt would only delay the failure)");
      }
      String errorTo = ((Element) first(action, Xml.WORKFLOW_NS, "error")).getAttribute("to");
      Element alert = byName(root, errorTo);
      if (alert == null || !"action".equals(alert.getLocalName())
          || first(alert, "uri:oozie:email-action:0.2", "email") == null) {
        errors.add(where + ": its <error> leads to '" + errorTo + "', not to an e-mail alert: nobody would hear of a"
            + " failed week");
      }
    }
    String prepare = workflow.stageNames().isEmpty() ? null : workflow.stageNames().get(0);
    Element first = byName(root, prepare);
    boolean passesInput = first != null && Xml.childrenNamed(
        first(first, Xml.SPARK_NS, "spark"), Xml.SPARK_NS, "arg").stream()
        .anyMatch(arg -> arg.getTextContent().trim().startsWith("prepare.input=${"));
    if (!passesInput) {
      errors.add(file + ": the first stage is given no prepare.input=${...} argument: it would fail every week,"
          + " and nothing would tie a week's run to that week's data");
    }
    for (Element kill : Xml.childrenNamed(root, Xml.WORKFLOW_NS, "kill")) {
      String message = kill.getTextContent();
      if (message.contains("wf:lastErrorNode()")) {
        errors.add(file + ": kill node '" + kill.getAttribute("name") + "' names wf:lastErrorNode(): after a failed"
            + " e-mail that is the e-mail, not the stage; name the stage");
      } else if (message.contains("wf:actionData(")) {
        continue;  // a refusal (the gate's decision), not a failure: it gives the gate's reason
      } else if (!message.contains("wf:errorMessage(") || !message.contains("wf:actionExternalId(")) {
        errors.add(file + ": kill node '" + kill.getAttribute("name") + "' must give wf:errorMessage and"
            + " wf:actionExternalId of the failed stage, so on-call finds its YARN logs");
      }
    }
    return errors;
  }

  /**
   * Every java action whose main is recsv's (Java 17 classes) runs it in the Oozie launcher, which the NodeManager
   * starts with its own JAVA_HOME unless the launcher's env gives one: any workflow of the app, the retention's
   * too.
   */
  static List<String> launcherJavaErrors(Path file) {
    List<String> errors = new ArrayList<>();
    for (Element action : Xml.childrenNamed(parse(file), Xml.WORKFLOW_NS, "action")) {
      Element java = first(action, Xml.WORKFLOW_NS, "java");
      String main = text(java, Xml.WORKFLOW_NS, "main-class");
      if (main == null || !main.startsWith("io.recsv.")) {
        continue;
      }
      Element launcher = first(java, Xml.WORKFLOW_NS, "launcher");
      boolean javaHome = launcher != null && Xml.childrenNamed(launcher, Xml.WORKFLOW_NS,
          "env").stream().anyMatch(env -> env.getTextContent().trim().matches("(.*:)?JAVA_HOME=\\S+.*"));
      if (!javaHome) {
        errors.add(file + ": java action '" + action.getAttribute("name") + "' runs " + main + " (Java 17) in the"
            + " Oozie launcher, which the NodeManager starts with its own Java (8 or 11 on many clusters: an"
            + " UnsupportedClassVersionError after every action before it ran): give its <launcher> an"
            + " <env>JAVA_HOME=${sparkJavaHome}</env>");
      }
    }
    return errors;
  }

  static List<String> coordinatorErrors(Path file) {
    Element root = parse(file);
    List<String> errors = new ArrayList<>();
    Element inputs = first(root, COORD_NS, "input-events");
    if (inputs == null || first(inputs, COORD_NS, "data-in") == null) {
      errors.add(file + ": no <input-events>: a week would start whether or not its data arrived, and <timeout>"
          + " (which applies only to a week waiting for its input) would never fire");
    }
    boolean doneFlag = false;
    Element datasets = first(root, COORD_NS, "datasets");
    for (Element dataset : datasets == null ? List.<Element>of() : Xml.childrenNamed(datasets, COORD_NS,
        "dataset")) {
      doneFlag |= first(dataset, COORD_NS, "done-flag") != null;
    }
    if (!doneFlag) {
      errors.add(file + ": no dataset has a <done-flag>: a week would start as soon as its input directory exists,"
          + " while it is still being written");
    }
    String conf = text(first(root, COORD_NS, "action"), COORD_NS, "workflow");
    if (conf == null || !conf.contains("coord:dataIn(")) {
      errors.add(file + ": the workflow is not given the week's input (coord:dataIn) as a property");
    }
    Element action = first(root, COORD_NS, "action");
    Element sla = action == null ? null : first(action, SLA_NS, "info");
    if (sla == null || first(sla, SLA_NS, "should-end") == null || first(sla, SLA_NS, "alert-contact") == null) {
      errors.add(file + ": no <sla:info> with should-end and alert-contact: a late week would alert nobody");
    }
    return errors;
  }

  private static Element parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Xml.document(in, file.toString()).getDocumentElement();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Element first(Element parent, String ns, String local) {
    if (parent == null) {
      return null;
    }
    List<Element> found = Xml.childrenNamed(parent, ns, local);
    return found.isEmpty() ? null : found.get(0);
  }

  private static String text(Element parent, String ns, String local) {
    Element e = first(parent, ns, local);
    return e == null ? null : e.getTextContent().trim();
  }

  private static Element byName(Element root, String name) {
    for (Element child : Xml.children(root)) {
      if (child.getAttribute("name").equals(name)) {
        return child;
      }
    }
    return null;
  }
}
