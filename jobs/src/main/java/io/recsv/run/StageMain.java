package io.recsv.run;

import io.recsv.fs.IoErrors;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

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
  @Command(description = "Runs one stage of a recsv run (spark-submit, Oozie's spark action): config files in order,"
      + " then the overrides.")
  static final class Arguments {

    @Option(names = "--config", paramLabel = "FILE", description = "a config file; a later one wins; may repeat")
    final List<String> files = new ArrayList<>();

    @Option(names = "-D", paramLabel = "key=value", description = "a config key; may repeat")
    final List<String> overrides = new ArrayList<>();

    @Parameters(paramLabel = "key=value", description = "a config key, as -D takes it")
    final List<String> keyValues = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    /** -D's, then the bare ones, in order (a later one wins). */
    List<String> allOverrides(StageName name) {
      List<String> all = new ArrayList<>(overrides);
      all.addAll(keyValues);
      for (String kv : all) {
        if (kv.indexOf('=') <= 0) {
          throw new UserError(name + ": unexpected argument '" + kv + "'; " + USAGE.replace("STAGE", name.id()));
        }
      }
      return all;
    }
  }

  private static final String USAGE = "usage: STAGE [--config FILE]... [-D key=value]... [key=value]...";

  public static void run(StageName name, String[] args, Function<Config, Stage> factory) throws Exception {
    Arguments arguments = new Arguments();
    CommandLine cl = new CommandLine(arguments).setCommandName(name.id());
    try {
      cl.parseArgs(args);
    } catch (ParameterException e) {
      throw new UserError(name + ": " + e.getMessage() + "; " + USAGE.replace("STAGE", name.id()));
    }
    if (arguments.help) {
      System.out.print(cl.getUsageMessage());
      return;
    }
    List<String> files = arguments.files;
    List<String> overrides = arguments.allOverrides(name);
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
