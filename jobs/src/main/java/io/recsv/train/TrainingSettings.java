package io.recsv.train;

import com.typesafe.config.Config;
import io.recsv.als.TunedSettings;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.report.EvaluationMetrics;
import io.recsv.workflow.StageName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The settings the week's training uses, and why: the ones the run's evaluate stage chose ({@code
 * evaluate.candidates}, in its metrics.json), when evaluate searched around exactly this stage's {@code train.*}
 * settings; else the configured ones (no evaluate output in the run, its search off, or it searched around other
 * settings), and the reason is said. {@code chosen}: the searched keys whose chosen value differs from the
 * configured one (empty: the configured settings).
 */
record TrainingSettings(SortedMap<String, String> chosen, String describe) {

  /** Whether the run's directory holds an evaluate output, which train then reads (and chains with). */
  static boolean evaluated(Configuration conf, RunLayout layout) throws IOException {
    org.apache.hadoop.fs.Path dir = layout.stageDir(StageName.EVALUATE);
    return dir.getFileSystem(conf).exists(dir);
  }

  /** {@code evaluated}: the run has an evaluate output (its record checked already). */
  static TrainingSettings of(Configuration conf, RunLayout layout, Config config, boolean evaluated)
      throws IOException {
    SortedMap<String, String> configured = TunedSettings.of(config);
    String asConfigured = "the configured ones (" + TunedSettings.describe(configured) + ")";
    if (!evaluated) {
      return new TrainingSettings(new TreeMap<>(), asConfigured + ": this run has no evaluate output to choose them ("
          + layout.stageDir(StageName.EVALUATE) + ")");
    }
    EvaluationMetrics metrics = EvaluationMetrics.readIfExists(conf, layout.metrics());
    EvaluationMetrics.Search search = metrics == null ? null : metrics.search();
    if (search == null) {
      return new TrainingSettings(new TreeMap<>(), asConfigured + ": evaluate did not search"
          + " (evaluate.candidates.enabled = false)");
    }
    List<String> changed = new ArrayList<>();
    Lineage.settingsOf(config, StageName.TRAIN).forEach((key, now) -> {
      String then = search.base().get(key);
      if (!now.equals(then)) {
        changed.add(key + " was '" + then + "', is '" + now + "'");
      }
    });
    if (!changed.isEmpty()) {
      return new TrainingSettings(new TreeMap<>(), asConfigured + ": evaluate searched around other train settings ("
          + String.join("; ", changed) + "); rerun from evaluate to choose around these");
    }
    SortedMap<String, String> chosen = new TreeMap<>();
    for (Map.Entry<String, String> e : search.chosenSettings().entrySet()) {
      if (!e.getValue().equals(configured.get(e.getKey()))) {
        chosen.put(e.getKey(), e.getValue());
      }
    }
    String of = " of " + search.candidates().size() + " candidates evaluate tried, by " + search.metric();
    return new TrainingSettings(chosen, chosen.isEmpty() ? asConfigured + ", the best" + of
        : "evaluate's choice (" + TunedSettings.describe(search.chosenSettings()) + "), candidate "
            + (search.chosen() + 1) + of + "; configured: " + TunedSettings.describe(configured));
  }
}
