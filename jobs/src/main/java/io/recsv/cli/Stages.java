package io.recsv.cli;

import com.typesafe.config.Config;
import io.recsv.common.Stage;
import io.recsv.common.UserError;
import io.recsv.evaluate.EvaluateJob;
import io.recsv.export.ExportJob;
import io.recsv.merge.MergeJob;
import io.recsv.prepare.PrepareJob;
import io.recsv.score.ScoreJob;
import io.recsv.train.TrainJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Stage name -> job class. The order in which stages run is not here: it is workflow.xml's
 * ({@link io.recsv.workflow.WorkflowDefinition}); a test checks that both name the same main classes.
 */
public final class Stages {

  private static final Map<String, Class<? extends Stage>> CLASSES = new LinkedHashMap<>();
  private static final Map<String, Function<Config, Stage>> FACTORIES = new LinkedHashMap<>();

  static {
    register("prepare", PrepareJob.class, PrepareJob::new);
    register("train", TrainJob.class, TrainJob::new);
    register("score", ScoreJob.class, ScoreJob::new);
    register("evaluate", EvaluateJob.class, EvaluateJob::new);
    register("export", ExportJob.class, ExportJob::new);
    register("merge", MergeJob.class, MergeJob::new);
  }

  private Stages() {}

  private static void register(String name, Class<? extends Stage> type, Function<Config, Stage> factory) {
    CLASSES.put(name, type);
    FACTORIES.put(name, factory);
  }

  public static Stage create(String name, Config config) {
    Function<Config, Stage> factory = FACTORIES.get(name);
    if (factory == null) {
      throw new UserError("unknown stage '" + name + "'; stages: " + String.join(", ", FACTORIES.keySet()));
    }
    return factory.apply(config);
  }

  public static Class<? extends Stage> mainClass(String name) {
    return CLASSES.get(name);
  }
}
