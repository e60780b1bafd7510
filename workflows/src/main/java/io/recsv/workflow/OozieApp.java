package io.recsv.workflow;

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

  /** Schema errors of the workflow and coordinator; empty when both are valid. */
  public static List<String> validate(Path repoRoot) {
    Path app = repoRoot.resolve("workflows/recommendations");
    List<String> errors = new ArrayList<>(OozieSchemas.workflowErrors(app.resolve("workflow.xml")));
    errors.addAll(OozieSchemas.coordinatorErrors(app.resolve("coordinator.xml")));
    return errors;
  }
}
