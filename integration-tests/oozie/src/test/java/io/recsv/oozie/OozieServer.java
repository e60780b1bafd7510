package io.recsv.oozie;

import io.recsv.ops.OozieApp;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.CoordinatorEngine;
import org.apache.oozie.CoordinatorJobBean;
import org.apache.oozie.DagELFunctions;
import org.apache.oozie.DagEngine;
import org.apache.oozie.client.WorkflowJob;
import org.apache.oozie.WorkflowActionBean;
import org.apache.oozie.WorkflowJobBean;
import org.apache.oozie.command.coord.CoordSubmitXCommand;
import org.apache.oozie.command.coord.InputCheckPhase;
import org.apache.oozie.command.wf.SubmitXCommand;
import org.apache.oozie.executor.jpa.WorkflowJobQueryExecutor;
import org.apache.oozie.service.ELService;
import org.apache.oozie.service.Services;
import org.apache.oozie.util.ELEvaluator;
import org.apache.oozie.util.XmlUtils;
import org.apache.oozie.workflow.lite.ActionNodeDef;
import org.apache.oozie.workflow.lite.LiteWorkflowApp;
import org.apache.oozie.workflow.lite.NodeDef;
import org.jdom.Element;
import org.jdom.Namespace;

/**
 * Oozie 5.2.1's server, in this JVM, with an in-memory Derby database: the same code that materializes a
 * coordinator's weeks, parses and validates a workflow at submission, and evaluates an action's XML when the
 * action starts ({@code ActionStartXCommand}: {@code DagELFunctions.configureEvaluator}, then
 * {@code evaluate}). Starting it takes a few seconds; the sharelib it looks for does not exist here and it says so
 * in its log, which does not matter to what is evaluated.
 */
final class OozieServer implements AutoCloseable {

  static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "../..")).toAbsolutePath().normalize();

  private final Path home;
  private final Services services;

  /**
   * What Oozie needs for SLA, beyond its defaults (docs/oozie.md): the event handler and SLA services, and the
   * listeners that record SLA events and e-mail them; here checked every second instead of every 30.
   */
  static final Map<String, String> SLA_SERVICES = Map.of(
      "oozie.services.ext", "org.apache.oozie.service.EventHandlerService,org.apache.oozie.sla.service.SLAService",
      "oozie.service.EventHandlerService.event.listeners", "org.apache.oozie.sla.listener.SLAJobEventListener,"
          + "org.apache.oozie.sla.listener.SLAEmailEventListener",
      "oozie.service.EventHandlerService.worker.interval", "1",
      "oozie.sla.service.SLAService.check.interval", "1");

  OozieServer() throws Exception {
    this(Map.of());
  }

  /** With {@code site}: more oozie-site.xml properties. */
  OozieServer(Map<String, String> site) throws Exception {
    home = Files.createTempDirectory("recsv-oozie");
    Path conf = Files.createDirectories(home.resolve("conf"));
    Path hadoopConf = Files.createDirectories(conf.resolve("hadoop-conf"));
    Files.createDirectories(conf.resolve("action-conf"));
    Files.writeString(hadoopConf.resolve("core-site.xml"),
        "<configuration>" + property("fs.defaultFS", "file:///") + "</configuration>");
    Files.writeString(conf.resolve("oozie-site.xml"), "<configuration>"
        + property("oozie.service.JPAService.jdbc.driver", "org.apache.derby.jdbc.EmbeddedDriver")
        + property("oozie.service.JPAService.jdbc.url", "jdbc:derby:memory:oozie-" + home.getFileName() + ";create=true")
        + property("oozie.service.JPAService.create.db.schema", "true")
        + property("oozie.service.HadoopAccessorService.supported.filesystems", "*")
        + property("oozie.service.HadoopAccessorService.hadoop.configurations", "*=" + hadoopConf)
        // Spark and java actions run through stand-ins (no YARN here); everything else is Oozie's own.
        + property("oozie.service.ActionService.executor.ext.classes", StandInSparkExecutor.class.getName() + ","
            + StandInJavaExecutor.class.getName())
        // Seconds, not minutes, between the engine's passes: materialize, check inputs, update statuses.
        + property("oozie.service.CoordMaterializeTriggerService.lookup.interval", "1")
        + property("oozie.service.CoordMaterializeTriggerService.scheduling.interval", "1")
        + property("oozie.service.coord.input.check.requeue.interval", "500")
        + property("oozie.service.StatusTransitService.statusTransit.interval", "1")
        + property("oozie.service.ActionCheckerService.action.check.interval", "1")
        // The alert's e-mail goes to a port where nothing listens: it fails at once, as without a mail server.
        + property("oozie.email.smtp.host", "127.0.0.1")
        + property("oozie.email.smtp.port", "1")
        + String.join("", site.entrySet().stream().map(e -> property(e.getKey(), e.getValue())).toList())
        + "</configuration>");
    System.setProperty("derby.stream.error.file", home.resolve("derby.log").toString());
    System.setProperty("oozie.home.dir", home.toString());
    System.setProperty("oozie.config.dir", conf.toString());
    System.setProperty("oozie.data.dir", home.toString());
    System.setProperty("oozie.log.dir", home.toString());
    services = new Services();
    services.init();
  }

  private static String property(String name, String value) {
    return "<property><name>" + name + "</name><value>" + value + "</value></property>";
  }

  /**
   * The application as {@code ./recsv oozie deploy} lays it out, in a local directory; the jobs jar is a
   * stand-in file (what is evaluated here is where the workflow points, not what the jar holds).
   */
  Path deploy() throws IOException {
    Path app = Files.createDirectories(home.resolve("apps/recsv"));
    Path jar = Files.writeString(home.resolve("recsv-jobs-cluster.jar"), "stand-in");
    for (OozieApp.Entry entry : OozieApp.entries(REPO, jar)) {
      Path target = app.resolve(entry.target());
      Files.createDirectories(target.getParent());
      Files.copy(entry.source(), target);
    }
    return app;
  }

  /**
   * The coordinator's dry run (as {@code oozie job -dryrun}), then for each materialized week what the server
   * does once the week's input is there: resolve the action (coord:dataIn, ...) and merge its configuration into
   * the job's, as CoordActionStartXCommand hands it to the workflow. In order; Oozie materializes the weeks of its
   * first materialization window (an hour here).
   */
  List<Week> weeks(Configuration job) throws Exception {
    String dryRun = new CoordSubmitXCommand(true, job).call();
    List<Week> weeks = new ArrayList<>();
    int at = dryRun.indexOf("***actions for instance***");
    while ((at = dryRun.indexOf("<coordinator-app", at)) >= 0) {
      int end = dryRun.indexOf("</coordinator-app>", at) + "</coordinator-app>".length();
      String materialized = dryRun.substring(at, end);
      Element action = XmlUtils.parseXml(InputCheckPhase.resolve(materialized, job, "week-" + weeks.size()));
      Namespace ns = action.getNamespace();
      Element workflow = action.getChild("action", ns).getChild("workflow", ns);
      Configuration conf = new Configuration(false);
      job.forEach(e -> conf.set(e.getKey(), e.getValue()));
      conf.unset("oozie.coord.application.path");
      for (Object p : workflow.getChild("configuration", ns).getChildren("property", ns)) {
        Element property = (Element) p;
        conf.set(property.getChildText("name", ns), property.getChildText("value", ns));
      }
      conf.set("oozie.wf.application.path", workflow.getChildText("app-path", ns));
      weeks.add(new Week(action.getAttributeValue("action-nominal-time"), XmlUtils.parseXml(materialized), conf));
      at = end;
    }
    return weeks;
  }

  /** A materialized week: its nominal time, the action as materialized (before its input), the workflow's conf. */
  record Week(String nominalTime, Element materialized, Configuration workflowConf) {}

  /**
   * Submits the workflow (parsed and validated as the server does, parameters checked, defaults applied) and
   * returns each action's XML as Oozie evaluates it when the action starts, by action name, in workflow order.
   */
  Map<String, Element> evaluatedActions(Configuration conf) throws Exception {
    String id = new SubmitXCommand(conf).call();
    WorkflowJobBean job = WorkflowJobQueryExecutor.getInstance().get(
        WorkflowJobQueryExecutor.WorkflowJobQuery.GET_WORKFLOW, id);
    LiteWorkflowApp app = (LiteWorkflowApp) job.getWorkflowInstance().getApp();
    Map<String, Element> actions = new LinkedHashMap<>();
    for (NodeDef node : app.getNodeDefs()) {
      if (!(node instanceof ActionNodeDef)) {
        continue;
      }
      WorkflowActionBean action = new WorkflowActionBean();
      action.setId(id + "@" + node.getName());
      action.setName(node.getName());
      action.setConf(node.getConf());
      ELEvaluator evaluator = Services.get().get(ELService.class).createEvaluator("workflow");
      DagELFunctions.configureEvaluator(evaluator, job, action);
      String evaluated = evaluator.evaluate(XmlUtils.removeComments(node.getConf()), String.class);
      actions.put(node.getName(), XmlUtils.parseXml(evaluated));
    }
    return actions;
  }

  /** Submits the coordinator for real (materialized by the engine's own services); returns its id. */
  String submitCoordinator(Configuration job) throws Exception {
    return new CoordinatorEngine(user()).submitJob(job, true);
  }

  CoordinatorJobBean coordinator(String id) throws Exception {
    return new CoordinatorEngine(user()).getCoordJob(id);
  }

  WorkflowJob workflow(String id) throws Exception {
    return new DagEngine(user()).getJob(id);
  }

  private static String user() {
    return System.getProperty("user.name");
  }

  /** Waits (polling every 100 ms, at most {@code seconds}) until {@code done} holds. */
  static void await(String what, int seconds, java.util.concurrent.Callable<Boolean> done) throws Exception {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    while (!done.call()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** job.properties as an operator would submit it, with this machine's paths. */
  static Configuration jobProperties(Path app, Map<String, String> overrides) throws IOException {
    java.util.Properties props = new java.util.Properties();
    try (StringReader in = new StringReader(Files.readString(REPO.resolve("workflows/recommendations/job.properties")))) {
      props.load(in);
    }
    Configuration conf = new Configuration(false);
    props.stringPropertyNames().forEach(k -> conf.set(k, props.getProperty(k)));
    conf.set("user.name", System.getProperty("user.name"));
    conf.set("nameNode", "file://");
    conf.set("appPath", "file://" + app);
    overrides.forEach(conf::set);
    return conf;
  }

  @Override
  public void close() {
    services.destroy();
  }
}
