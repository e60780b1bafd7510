package io.recsv.workflow;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The workflow's spark actions evaluated for one run, as Oozie evaluates an action when it starts: each
 * {@code ${name}} from the job's properties (job.properties, and what the coordinator adds: {@code runId},
 * {@code inputPath}) or the workflow's parameter defaults, and {@code ${wf:appPath()}} from {@code appPath}. An
 * EL function it does not know is an error. A unit test holds this to what Oozie 5.2.1's engine evaluated
 * (evaluated-actions.txt); the YARN tests and {@code ./recsv run --master yarn} submit what it gives.
 */
public final class SparkActions {

  private SparkActions() {}

  /** Every stage's submission, in the workflow's order. */
  public static List<SparkSubmission> evaluate(WorkflowDefinition workflow, Properties job) {
    JobProperties properties = new JobProperties(job, workflow);
    return workflow.stages().stream().map(stage -> evaluate(stage, properties)).toList();
  }

  /** {@link #evaluate(WorkflowDefinition, Properties)} with {@code overrides} set over {@code job}. */
  public static List<SparkSubmission> evaluate(WorkflowDefinition workflow, Properties job,
      Map<String, String> overrides) {
    return evaluate(workflow, JobProperties.with(job, overrides));
  }

  /** The file the quality gate's java action reads (its one {@code <arg>}), evaluated. */
  public static String verdictFile(WorkflowDefinition.Gate gate, WorkflowDefinition workflow, Properties job) {
    return new JobProperties(job, workflow).resolve(gate.verdictFile());
  }

  private static SparkSubmission evaluate(WorkflowDefinition.SparkStage stage, JobProperties properties) {
    java.util.function.UnaryOperator<String> el = text -> JobProperties.replace(text, expression -> switch (expression) {
      case "wf:appPath()" -> properties.get("appPath");
      default -> {
        if (!expression.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
          throw new IllegalArgumentException("stage " + stage.name() + ": cannot evaluate ${" + expression + "}");
        }
        yield properties.get(expression);
      }
    });
    String opts = el.apply(stage.sparkOpts()).trim();
    return new SparkSubmission(stage.name(), el.apply(stage.master()), el.apply(stage.mode()),
        el.apply(stage.appName()), stage.mainClass(), el.apply(stage.jar()),
        opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")),
        stage.files().stream().map(el).toList(), stage.args().stream().map(el).toList());
  }
}
