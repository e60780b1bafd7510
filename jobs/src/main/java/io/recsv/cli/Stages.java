package io.recsv.cli;

import com.typesafe.config.Config;
import io.recsv.run.Stage;
import io.recsv.evaluate.EvaluateJob;
import io.recsv.export.ExportJob;
import io.recsv.merge.MergeJob;
import io.recsv.prepare.PrepareJob;
import io.recsv.score.ScoreJob;
import io.recsv.train.TrainJob;
import io.recsv.workflow.StageName;

/**
 * Stage -> job class. The order in which stages run is not here: it is workflow.xml's
 * ({@link io.recsv.workflow.WorkflowDefinition}); a test checks that both name the same main classes.
 */
public final class Stages {

  private Stages() {}

  /** The stage's job for {@code config}, which it checks (every key it reads) before any compute. */
  public static Stage create(StageName stage, Config config) {
    return switch (stage) {
      case PREPARE -> new PrepareJob(config);
      case TRAIN -> new TrainJob(config);
      case SCORE -> new ScoreJob(config);
      case EVALUATE -> new EvaluateJob(config);
      case EXPORT -> new ExportJob(config);
      case MERGE -> new MergeJob(config);
    };
  }

  /** The class whose {@code main} runs the stage under spark-submit (the workflow's action names it). */
  public static Class<? extends Stage> mainClass(StageName stage) {
    return switch (stage) {
      case PREPARE -> PrepareJob.class;
      case TRAIN -> TrainJob.class;
      case SCORE -> ScoreJob.class;
      case EVALUATE -> EvaluateJob.class;
      case EXPORT -> ExportJob.class;
      case MERGE -> MergeJob.class;
    };
  }
}
