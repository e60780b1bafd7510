package io.recsv.common;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The shared {@code main} of every stage under spark-submit (and so under Oozie's spark action):
 * {@code [--config FILE]... [-D key=value]... [key=value]...}: it takes the run's lock, checks what it can before
 * computing, runs the stage, and releases the lock. Errors propagate, so spark-submit and Oozie see the failure and
 * its message ({@code wf:errorMessage}).
 */
public final class StageMain {

  private static final Logger LOG = LogManager.getLogger(StageMain.class);

  private StageMain() {}

  /**
   * The stage's command line, parsed by picocli: {@code --config FILE}s, and overrides as {@code -D key=value}, as
   * everywhere else, or as bare {@code key=value} (what the Oozie actions and spark-submit scripts pass).
   */
  private static CommandSpec spec(StageName name) {
    CommandSpec spec = CommandSpec.create().name(name.id());
    spec.usageMessage().description("Runs the " + name + " stage of a recsv run (spark-submit, Oozie's spark"
        + " action): config files in order, then the overrides.");
    spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(List.class).auxiliaryTypes(String.class)
        .description("a config file; a later one wins; may repeat").build());
    spec.addOption(OptionSpec.builder("-D").paramLabel("key=value").type(List.class).auxiliaryTypes(String.class)
        .description("a config key; may repeat").build());
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
    spec.addPositional(PositionalParamSpec.builder().paramLabel("key=value").arity("0..*").type(List.class)
        .auxiliaryTypes(String.class).description("a config key, as -D takes it").build());
    return spec;
  }

  public static void run(StageName name, String[] args, Function<Config, Stage> factory) throws Exception {
    CommandLine cl = new CommandLine(spec(name));
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      throw new UserError(name + ": " + e.getMessage() + "; usage: " + name + " [--config FILE]... [-D key=value]..."
          + " [key=value]...");
    }
    if (parsed.isUsageHelpRequested()) {
      System.out.print(cl.getUsageMessage());
      return;
    }
    List<String> files = parsed.matchedOptionValue("--config", List.<String>of());
    List<String> overrides = new ArrayList<>(parsed.matchedOptionValue("-D", List.<String>of()));
    if (parsed.hasMatchedPositional(0)) {
      overrides.addAll(parsed.matchedPositional(0).<List<String>>getValue());
    }
    for (String kv : overrides) {
      if (kv.indexOf('=') <= 0) {
        throw new UserError(name + ": unexpected argument '" + kv + "'; usage: " + name
            + " [--config FILE]... [-D key=value]... [key=value]...");
      }
    }
    Config config = ConfigLoader.load(files, overrides);
    // In the container's log: what this stage ran with, after every file and override.
    LOG.info("{} runs with {}", name, StageRunner.effectiveSettings(config, name));
    Stage stage = factory.apply(config);
    StageRunner runner = new StageRunner(config, Map.of(name, stage), "spark-submit " + name, false);
    SparkSession spark = SparkSessions.create(config, "recsv-" + name);
    try {
      runner.run(spark, new StageRunner.Listener() {
        @Override
        public void starting(StageName stage) {
          LOG.info("{}: running", stage);
        }

        @Override
        public void finished(StageName stage, String summary, double seconds) {
          LOG.info(String.format("%s: done in %.1f s: %s", stage, seconds, summary));
        }
      });
    } catch (Exception e) {
      // Permission denied, no space left: one line that Oozie's wf:errorMessage can show as it is.
      UserError fixable = e instanceof UserError ? null : IoErrors.userErrorFor(e);
      if (fixable != null) {
        throw fixable;
      }
      throw e;
    } finally {
      spark.stop();
    }
  }
}
