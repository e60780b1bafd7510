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
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The stages of an Oozie workflow, in the order the workflow runs them: from {@code <start>}, along each
 * action's {@code <ok to>}, to {@code <end>}. The workflow file is the one place that defines the order;
 * the local launcher and the rerun command both read it from here. Plain JDK XML: no Oozie, no Spark.
 */
public final class WorkflowDefinition {

  /** The classpath copy of the application, packaged by this module. */
  public static final String RESOURCE = "recsv/workflows/recommendations/workflow.xml";

  static final String WORKFLOW_NS = "uri:oozie:workflow:1.0";
  static final String SPARK_NS = "uri:oozie:spark-action:1.0";

  private final String source;
  private final List<SparkStage> stages;

  /** One spark action: its node name (= the stage name), main class and its {@code --config} files. */
  public record SparkStage(String name, String mainClass, List<String> configFiles) {}

  private WorkflowDefinition(String source, List<SparkStage> stages) {
    this.source = source;
    this.stages = List.copyOf(stages);
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
    Element root = document(in, source).getDocumentElement();
    if (!WORKFLOW_NS.equals(root.getNamespaceURI()) || !"workflow-app".equals(root.getLocalName())) {
      throw new IllegalArgumentException(source + ": not a " + WORKFLOW_NS + " workflow-app");
    }
    Map<String, Element> nodes = new HashMap<>();
    for (Element child : children(root)) {
      String name = child.getAttribute("name");
      if (!name.isEmpty()) {
        nodes.put(name, child);
      }
    }
    String next = single(root, WORKFLOW_NS, "start", source).getAttribute("to");
    List<SparkStage> stages = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (true) {
      Element node = nodes.get(next);
      if (node == null) {
        throw new IllegalArgumentException(source + ": transition to unknown node '" + next + "'");
      }
      if ("end".equals(node.getLocalName())) {
        break;
      }
      if (!"action".equals(node.getLocalName())) {
        throw new IllegalArgumentException(source + ": node '" + next + "' is a <" + node.getLocalName()
            + ">; recsv expects a straight chain of spark actions from <start> to <end>");
      }
      if (!seen.add(next)) {
        throw new IllegalArgumentException(source + ": the chain of <ok> transitions loops at '" + next + "'");
      }
      stages.add(sparkStage(node, source));
      next = single(node, WORKFLOW_NS, "ok", source).getAttribute("to");
    }
    return new WorkflowDefinition(source, stages);
  }

  private static SparkStage sparkStage(Element action, String source) {
    String name = action.getAttribute("name");
    Element spark = single(action, SPARK_NS, "spark", source + " action '" + name + "'");
    String mainClass = single(spark, SPARK_NS, "class", source + " action '" + name + "'").getTextContent().trim();
    List<String> configs = new ArrayList<>();
    List<Element> args = childrenNamed(spark, SPARK_NS, "arg");
    for (int i = 0; i < args.size() - 1; i++) {
      if ("--config".equals(args.get(i).getTextContent().trim())) {
        configs.add(args.get(i + 1).getTextContent().trim());
      }
    }
    return new SparkStage(name, mainClass, configs);
  }

  /** Stage names in run order. */
  public List<String> stageNames() {
    return stages.stream().map(SparkStage::name).toList();
  }

  public List<SparkStage> stages() {
    return stages;
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

  static Document document(InputStream in, String source) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);  // errors become the exception below, not lines on stderr
      return builder.parse(in);
    } catch (ParserConfigurationException | IOException e) {
      throw new IllegalStateException("cannot parse " + source, e);
    } catch (SAXException e) {
      throw new IllegalArgumentException(source + " is not well-formed XML: " + e.getMessage(), e);
    }
  }

  private static Element single(Element parent, String ns, String local, String where) {
    List<Element> found = childrenNamed(parent, ns, local);
    if (found.size() != 1) {
      throw new IllegalArgumentException(where + ": expected one <" + local + ">, found " + found.size());
    }
    return found.get(0);
  }

  static List<Element> childrenNamed(Element parent, String ns, String local) {
    return children(parent).stream()
        .filter(e -> ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName()))
        .toList();
  }

  static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }
}
