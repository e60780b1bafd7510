package io.recsv.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The stages of an Oozie workflow, in the order the workflow runs them: from {@code <start>}, along each
 * action's {@code <ok to>} (and, at the quality gate, its decision's publishing case), to {@code <end>}. The workflow file is the one place that defines the order;
 * the local launcher and the rerun command both read it from here. Plain JDK XML: no Oozie, no Spark.
 */
public final class WorkflowDefinition {

  /** The classpath copy of the application, packaged by this module. */
  public static final String RESOURCE = "recsv/workflows/recommendations/workflow.xml";

  /** The environment's config file among an action's {@code --config} files (config/env/cluster.conf). */
  public static final String ENVIRONMENT_CONFIG = "cluster.conf";
  /** The main class of the quality gate's java action. */
  public static final String GATE_MAIN = "io.recsv.workflow.GateMain";

  /**
   * The quality gate: the java action {@code action} after stage {@code afterStage}, reading the verdict in
   * {@code verdictFile} (EL unevaluated), and the decision node whose one case goes on with the stages that
   * publish (its default refuses the week).
   */
  public record Gate(String afterStage, String action, String verdictFile, String decision) {}

  private final String source;
  private final List<SparkStage> stages;
  private final List<Gate> gates;
  private final Map<String, String> parameterDefaults;

  /**
   * A stage's spark action as written (EL unevaluated): its main class, the {@code --config} files it passes,
   * and the rest of what spark-submit gets, for generators of other orchestrators' definitions.
   */
  public record SparkStage(String name, String mainClass, List<String> configFiles, String master, String mode,
      String appName, String jar, String sparkOpts, List<String> args, List<String> files) {}

  private WorkflowDefinition(String source, List<SparkStage> stages, List<Gate> gates,
      Map<String, String> parameterDefaults) {
    this.source = source;
    this.stages = List.copyOf(stages);
    this.gates = List.copyOf(gates);
    this.parameterDefaults = parameterDefaults;
  }

  public static WorkflowDefinition load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read workflow " + file + ": " + e.getMessage(), e);
    }
  }

  public static WorkflowDefinition fromClasspath() {
    try (InputStream in = WorkflowDefinition.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("workflow " + RESOURCE + " is not on the classpath");
      }
      return parse(in, "classpath:" + RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read classpath:" + RESOURCE, e);
    }
  }

  static WorkflowDefinition parse(InputStream in, String source) {
    Element root = Xml.document(in, source).getDocumentElement();
    if (!Xml.WORKFLOW_NS.equals(root.getNamespaceURI()) || !"workflow-app".equals(root.getLocalName())) {
      throw new IllegalArgumentException(source + ": not a " + Xml.WORKFLOW_NS + " workflow-app");
    }
    Map<String, Element> nodes = new HashMap<>();
    for (Element child : Xml.children(root)) {
      String name = child.getAttribute("name");
      if (!name.isEmpty()) {
        nodes.put(name, child);
      }
    }
    String next = single(root, Xml.WORKFLOW_NS, "start", source).getAttribute("to");
    List<SparkStage> stages = new ArrayList<>();
    List<Gate> gates = new ArrayList<>();
    String gatedAfter = null;
    Set<String> seen = new HashSet<>();
    while (true) {
      Element node = nodes.get(next);
      if (node == null) {
        throw new IllegalArgumentException(source + ": transition to unknown node '" + next + "'");
      }
      if ("end".equals(node.getLocalName())) {
        break;
      }
      if (!seen.add(next)) {
        throw new IllegalArgumentException(source + ": the chain of <ok> transitions loops at '" + next + "'");
      }
      if ("decision".equals(node.getLocalName()) && gatedAfter != null && gatedAfter.equals(lastStage(stages))
          && !gates.isEmpty() && gates.get(gates.size() - 1).decision() == null) {
        // The gate's decision: its one case goes on with the publishing stages; its default refuses.
        Element sw = single(node, Xml.WORKFLOW_NS, "switch", source + " decision '" + next + "'");
        List<Element> cases = Xml.childrenNamed(sw, Xml.WORKFLOW_NS, "case");
        if (cases.size() != 1) {
          throw new IllegalArgumentException(source + ": decision '" + next + "' after the gate must have one"
              + " <case> (publish) and a <default> (refuse)");
        }
        Gate gate = gates.remove(gates.size() - 1);
        gates.add(new Gate(gate.afterStage(), gate.action(), gate.verdictFile(), next));
        next = cases.get(0).getAttribute("to");
        continue;
      }
      if (!"action".equals(node.getLocalName())) {
        throw new IllegalArgumentException(source + ": node '" + next + "' is a <" + node.getLocalName()
            + ">; recsv expects a chain of spark actions from <start> to <end>, with at most a gate (a java"
            + " action of " + GATE_MAIN + " and its decision) between two of them");
      }
      List<Element> java = Xml.childrenNamed(node, Xml.WORKFLOW_NS, "java");
      if (!java.isEmpty()) {
        String main = single(java.get(0), Xml.WORKFLOW_NS, "main-class", source + " action '" + next + "'")
            .getTextContent().trim();
        if (!GATE_MAIN.equals(main) || stages.isEmpty()) {
          throw new IllegalArgumentException(source + ": java action '" + next + "' runs " + main + "; the only"
              + " java action recsv's chain takes is the gate (" + GATE_MAIN + ") after a stage");
        }
        gatedAfter = lastStage(stages);
        List<Element> args = Xml.childrenNamed(java.get(0), Xml.WORKFLOW_NS, "arg");
        if (args.size() != 1) {
          throw new IllegalArgumentException(source + ": the gate '" + next + "' takes one <arg>: evaluate's"
              + " gate.properties");
        }
        gates.add(new Gate(gatedAfter, next, args.get(0).getTextContent().trim(), null));
      } else {
        stages.add(sparkStage(node, source));
      }
      next = single(node, Xml.WORKFLOW_NS, "ok", source).getAttribute("to");
    }
    if (!gates.isEmpty() && gates.get(gates.size() - 1).decision() == null) {
      throw new IllegalArgumentException(source + ": the gate '" + gates.get(gates.size() - 1).action()
          + "' must be followed by a decision node");
    }
    Map<String, String> defaults = new HashMap<>();
    for (Element parameters : Xml.childrenNamed(root, Xml.WORKFLOW_NS, "parameters")) {
      for (Element property : Xml.childrenNamed(parameters, Xml.WORKFLOW_NS, "property")) {
        List<Element> value = Xml.childrenNamed(property, Xml.WORKFLOW_NS, "value");
        if (!value.isEmpty()) {
          defaults.put(Xml.childrenNamed(property, Xml.WORKFLOW_NS, "name").get(0).getTextContent().trim(),
              value.get(0).getTextContent().trim());
        }
      }
    }
    return new WorkflowDefinition(source, stages, gates, defaults);
  }

  private static String lastStage(List<SparkStage> stages) {
    return stages.isEmpty() ? null : stages.get(stages.size() - 1).name();
  }

  private static SparkStage sparkStage(Element action, String source) {
    String name = action.getAttribute("name");
    Element spark = single(action, Xml.SPARK_NS, "spark", source + " action '" + name + "'");
    String mainClass = single(spark, Xml.SPARK_NS, "class", source + " action '" + name + "'").getTextContent().trim();
    List<String> configs = new ArrayList<>();
    List<Element> args = Xml.childrenNamed(spark, Xml.SPARK_NS, "arg");
    for (int i = 0; i < args.size() - 1; i++) {
      if ("--config".equals(args.get(i).getTextContent().trim())) {
        configs.add(args.get(i + 1).getTextContent().trim());
      }
    }
    String where = source + " action '" + name + "'";
    return new SparkStage(name, mainClass, configs, text(spark, "master", where), optionalText(spark, "mode"),
        text(spark, "name", where), text(spark, "jar", where), optionalText(spark, "spark-opts"),
        args.stream().map(a -> a.getTextContent().trim()).toList(),
        Xml.childrenNamed(spark, Xml.SPARK_NS, "file").stream().map(f -> f.getTextContent().trim()).toList());
  }

  private static String text(Element parent, String local, String where) {
    return single(parent, Xml.SPARK_NS, local, where).getTextContent().trim();
  }

  private static String optionalText(Element parent, String local) {
    List<Element> found = Xml.childrenNamed(parent, Xml.SPARK_NS, local);
    return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
  }

  /** The default of a {@code <parameters>} property, or null when it has none. */
  public String parameterDefault(String name) {
    return parameterDefaults.get(name);
  }

  /** The stage a quality gate follows, or null: the stages after it run only if the gate lets the week publish. */
  public String gatedStage() {
    return gates.isEmpty() ? null : gates.get(0).afterStage();
  }

  /**
   * The first of {@code stages} (in the workflow's order) that runs only when the quality gate lets the week go on,
   * i.e. the first after the gated stage; null when none is (or there is no gate). A run from a stage after the
   * gate asks the gate before that stage, as the workflow's decision node does before the stage after the gate.
   */
  public String firstGated(List<String> stages) {
    List<String> names = stageNames();
    int gate = gatedStage() == null ? -1 : names.indexOf(gatedStage());
    return gate < 0 ? null : stages.stream().filter(s -> names.indexOf(s) > gate).findFirst().orElse(null);
  }

  public List<Gate> gates() {
    return gates;
  }

  /** Stage names in run order. */
  public List<String> stageNames() {
    return stages.stream().map(SparkStage::name).toList();
  }

  public List<SparkStage> stages() {
    return stages;
  }

  /** The spark action of {@code name}. */
  public SparkStage stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("unknown stage '" + name + "'; the workflow " + source + " has "
            + String.join(", ", stageNames())));
  }

  /** The stages before {@code stage}, i.e. the nodes an Oozie rerun "from stage" skips. */
  public List<String> stagesBefore(String stage) {
    List<String> names = stageNames();
    int at = names.indexOf(stage);
    if (at < 0) {
      throw new IllegalArgumentException("unknown stage '" + stage + "'; the workflow " + source
          + " has " + String.join(", ", names));
    }
    return names.subList(0, at);
  }

  public String source() {
    return source;
  }

  private static Element single(Element parent, String ns, String local, String where) {
    List<Element> found = Xml.childrenNamed(parent, ns, local);
    if (found.size() != 1) {
      throw new IllegalArgumentException(where + ": expected one <" + local + ">, found " + found.size());
    }
    return found.get(0);
  }
}
