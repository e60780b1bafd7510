package io.recsv.run;

import com.typesafe.config.Config;
import io.recsv.lineage.RunLayout;
import io.recsv.workflow.StageName;

/**
 * A stage as the jobs implement it: which stage it is, the config it runs with (every key it reads checked by the
 * subclass's constructor, before any compute) and the layout of the run it reads and writes.
 */
public abstract class StageJob implements Stage {

  private final StageName name;
  protected final Config config;
  protected final RunLayout layout;

  protected StageJob(StageName name, Config config) {
    this.name = name;
    this.config = config;
    this.layout = RunLayout.of(config);
  }

  @Override
  public final StageName name() {
    return name;
  }

  @Override
  public final Config config() {
    return config;
  }
}
