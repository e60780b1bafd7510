package io.recsv.run;

import io.recsv.fs.IoErrors;
import io.recsv.lineage.Lineage;

import io.recsv.lineage.RunLayout;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.config.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * Runs stages of one run, as the launcher and spark-submit (Oozie) do: take the run's lock, check everything
 * that can be checked without computing (the published CSV's place, each stage's input, the lineage of the
 * outputs it reuses), then run the stages in order. A run that is bound to be refused is refused in seconds,
 * before hours of compute.
 */
public final class StageRunner {

  /** Told when each stage starts and ends. */
  public interface Listener {
    void starting(StageName stage);

    void finished(StageName stage, String summary, double seconds);
  }

  /** A check before a stage runs, which refuses (throws) when the stage must not run: the quality gate. */
  public interface Check {
    void check(Configuration conf) throws IOException;
  }

  private static final Logger LOG = LogManager.getLogger(StageRunner.class);
  private static final Pattern SECRET = Pattern.compile("(?i)(password|secret|token|credential|private)");

  private final Map<StageName, Check> checksBefore = new LinkedHashMap<>();
  private final Function<StageName, Config> configOf;
  private final RunLayout layout;
  private final Map<StageName, Stage> stages;
  private final String command;
  private final boolean reusedMustMatchConfig;
  private final Duration staleAfter;
  private final Duration progressEvery;

  /**
   * {@code reusedMustMatchConfig}: the outputs of earlier stages that this invocation reuses must have been made
   * with today's settings and input (a {@code run --from}); otherwise they must only chain (one stage alone).
   */
  public StageRunner(Config config, Map<StageName, Stage> stages, String command, boolean reusedMustMatchConfig) {
    this(config, stages, stage -> config, command, reusedMustMatchConfig);
  }

  /** {@code configOf}: the config each stage runs with (locally, each its own, as under Oozie); config: the run's. */
  public StageRunner(Config config, Map<StageName, Stage> stages, Function<StageName, Config> configOf,
      String command,
      boolean reusedMustMatchConfig) {
    this.configOf = configOf;
    this.layout = RunLayout.of(config);
    this.stages = stages;
    this.command = command;
    this.reusedMustMatchConfig = reusedMustMatchConfig;
    Settings s = new Settings(config);
    this.staleAfter = s.durationAtLeast("run.lock-stale-after", Duration.ofSeconds(10));
    this.progressEvery = s.durationAtLeast("run.progress-every", Duration.ZERO);
  }

  /** {@code check} runs before {@code stage} (if this runner runs it), after the stages before it. */
  public StageRunner before(StageName stage, Check check) {
    checksBefore.put(stage, check);
    return this;
  }

  /** Runs the stages; returns each one's seconds. */
  public Map<StageName, Double> run(SparkSession spark, Listener listener) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<StageName, Double> seconds = new LinkedHashMap<>();
    Preflight.requireNamesThatFit(layout);
    try (RunLock lock = RunLock.acquire(conf, layout.lock(), command, staleAfter)) {
      preflight(conf);
      for (Map.Entry<StageName, Stage> stage : stages.entrySet()) {
        Check check = checksBefore.get(stage.getKey());
        if (check != null) {
          check.check(conf);
        }
        // Locally with --log-level debug; a cluster's stage logs it at INFO (StageMain).
        LOG.debug("{} runs with {}", stage.getKey(), effectiveSettings(configOf.apply(stage.getKey()),
            stage.getKey()));
        listener.starting(stage.getKey());
        StageContext context = StageContext.now(stage.getKey(), spark, stage.getValue().config());
        long t0 = System.nanoTime();
        String summary;
        try (Heartbeat beat = Heartbeat.start(spark, stage.getKey().id(), progressEvery, System.err)) {
          summary = stage.getValue().run(context);
        } catch (Exception e) {  // Spark's SparkException too, which nothing declares
          UserError fixable = e instanceof UserError ? null : IoErrors.userErrorFor(e, writing(spark, stage.getKey()));
          if (fixable != null) {
            throw fixable;
          }
          throw e;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        seconds.put(stage.getKey(), s);
        listener.finished(stage.getKey(), summary, s);
      }
    }
    return seconds;
  }

  /** What {@code stage} writes to, for a failure that names no path (a full disk, a quota). */
  private String writing(SparkSession spark, StageName stage) {
    String scratch = spark.conf().get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    return "stage '" + stage + "' wrote " + (stage == StageName.MERGE ? layout.published() + " (merge.output)"
        : layout.stageDir(stage) + "._writing (its output)") + " or Spark its shuffle and spill files ("
        + (spark.sparkContext().master().startsWith("yarn") ? "the YARN NodeManagers' local dirs"
        : "spark.local.dir " + scratch) + ")";
  }

  /** The stage's own keys as it runs with them, for its log; values of keys that name a secret are hidden. */
  public static String effectiveSettings(Config config, StageName stage) {
    List<String> pairs = new ArrayList<>();
    Lineage.settingsOf(config, stage).forEach((key, value) -> pairs.add(key + "="
        + (SECRET.matcher(key).find() ? "(hidden)" : value)));
    return pairs.isEmpty() ? "no settings of its own" : String.join(", ", pairs);
  }

  private void preflight(Configuration conf) throws IOException {
    Set<StageName> names = stages.keySet();
    if (names.contains(StageName.PREPARE) || names.contains(StageName.MERGE)) {
      // A merge alone may find its CSV published from the same export: it then does nothing, quickly.
      Preflight.publishable(conf, layout, !names.equals(Set.of(StageName.MERGE)));
    }
    Set<StageName> earlier = new HashSet<>();
    for (Map.Entry<StageName, Stage> stage : stages.entrySet()) {
      stage.getValue().preflight(conf);
      List<StageName> reused = new ArrayList<>(stage.getValue().reads());
      reused.removeAll(earlier);
      if (!reused.isEmpty()) {
        List<Lineage> inputs = Lineage.readChained(conf, layout, stage.getKey().id(), reused);
        if (reusedMustMatchConfig) {
          Preflight.madeWithTodaysSettings(conf, configOf, inputs);
        }
      }
      earlier.add(stage.getKey());
    }
  }
}
