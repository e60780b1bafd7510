package io.recsv.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of the Oozie application directory, as deployed:
 * <pre>
 *   workflow.xml, coordinator.xml, job.properties.example
 *   retention/workflow.xml, retention/coordinator.xml
 *   config/env/cluster.conf, config/stages/&lt;stage&gt;.conf
 *   lib/recsv-jobs-cluster.jar
 * </pre>
 * The workflow's {@code <file>} and {@code <jar>} elements refer to exactly these paths.
 */
public final class OozieApp {

  /** A local file and the path it takes inside the application directory. */
  public record Entry(Path source, String target) {}

  private OozieApp() {}

  public static List<Entry> entries(Path repoRoot, Path jobsJar) {
    Path app = repoRoot.resolve("workflows/recommendations");
    Path config = repoRoot.resolve("config");
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(app.resolve("workflow.xml"), "workflow.xml"));
    entries.add(new Entry(app.resolve("coordinator.xml"), "coordinator.xml"));
    entries.add(new Entry(app.resolve("job.properties"), "job.properties.example"));
    entries.add(new Entry(app.resolve("retention/workflow.xml"), "retention/workflow.xml"));
    entries.add(new Entry(app.resolve("retention/coordinator.xml"), "retention/coordinator.xml"));
    entries.add(new Entry(config.resolve("env/cluster.conf"), "config/env/cluster.conf"));
    try (Stream<Path> stageConfs = Files.list(config.resolve("stages"))) {
      stageConfs.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted()
          .forEach(p -> entries.add(new Entry(p, "config/stages/" + p.getFileName())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + config.resolve("stages"), e);
    }
    entries.add(new Entry(jobsJar, "lib/recsv-jobs-cluster.jar"));
    for (Entry entry : entries) {
      if (!Files.isRegularFile(entry.source())) {
        throw new IllegalArgumentException("missing " + entry.source()
            + (entry.source().equals(jobsJar) ? " (build it: mvn -DskipTests package)" : ""));
      }
    }
    return entries;
  }

  /**
   * Errors of the workflow and coordinator: against the Oozie XSDs, then (when the schemas pass) against the rules
   * Oozie's own evaluation of the app showed ({@link AppChecks}). Empty when both files are fit to submit.
   */
  public static List<String> validate(Path repoRoot) {
    Path app = repoRoot.resolve("workflows/recommendations");
    List<String> errors = validate(app.resolve("workflow.xml"), app.resolve("coordinator.xml"));
    errors.addAll(OozieSchemas.workflowErrors(app.resolve("retention/workflow.xml")));
    errors.addAll(AppChecks.launcherJavaErrors(app.resolve("retention/workflow.xml")));
    errors.addAll(OozieSchemas.coordinatorErrors(app.resolve("retention/coordinator.xml")));
    return errors;
  }

  static List<String> validate(Path workflow, Path coordinator) {
    List<String> errors = new ArrayList<>(OozieSchemas.workflowErrors(workflow));
    errors.addAll(OozieSchemas.coordinatorErrors(coordinator));
    if (errors.isEmpty()) {
      errors.addAll(AppChecks.workflowErrors(workflow));
      errors.addAll(AppChecks.coordinatorErrors(coordinator));
    }
    return errors;
  }
}
