package io.recsv.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import io.recsv.workflow.GateVerdict;
import java.util.List;
import java.util.SortedMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The evaluate stage's {@code metrics.json}: how the week's model (trained on all but a holdout of each user's
 * interactions) and a popularity baseline rank each user's held-out products, the gate's verdict on them, and
 * (when evaluate chose the week's training settings) every candidate's metrics and the one chosen: the model
 * measured is the chosen candidate's.
 * The run's report and the CSV's manifest carry it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationMetrics(String format, String runId, String createdAt, Split split,
    List<Ranking> model, List<Ranking> popularity, Gate gate, double seconds, Search search) {

  public static final String FORMAT = "recsv-metrics/1";

  /**
   * The holdout: {@code method} ("latest": each user's latest pairs; "random": a seeded choice of them), the
   * share held out, the users
   * (of every {@code sampleEvery}-th user index) and pairs on each side; the metrics are measured on every
   * {@code measureEvery}-th evaluated user ({@code measuredUsers} of them; 0 in files written before they were
   * sampled: all).
   */
  public record Split(String method, double holdoutFraction, int minInteractions, long sampleEvery,
      long trainUsers, long evaluatedUsers, long trainPairs, long holdoutPairs, long measureEvery,
      long measuredUsers) {}

  /**
   * Ranking quality at {@code k}, averaged over the evaluated users: precision (hits / k), recall (hits / the
   * user's held-out products), NDCG (binary relevance, log2 discount), MAP (average precision over min(k, held
   * out)), hit rate (a hit at all); coverage (the share of the catalogue in someone's top k) and the Gini of how
   * often each product of the catalogue is in a top k.
   */
  public record Ranking(int k, double precision, double recall, double ndcg, double map, double hitRate,
      double coverage, double gini) {}

  /**
   * How evaluate chose the week's training settings ({@code evaluate.candidates}): by {@code metric} (the gate's),
   * among the {@code candidates} it tried on this holdout in order, the first being train's settings as
   * configured ({@code base}: every {@code train.*} key, which the train stage compares with its own before it
   * uses the choice). {@code budgetSeconds}: the time the candidates after the first could take, from {@code
   * budgetFrom} (null: none, trials alone bounded the search); {@code stoppedBy}: why the search ended.
   */
  public record Search(String metric, long seed, int trials, double timeShare, Double budgetSeconds,
      String budgetFrom, String stoppedBy, SortedMap<String, String> base, List<Candidate> candidates, int chosen) {

    /** The chosen candidate's settings (the searched keys). */
    public SortedMap<String, String> chosenSettings() {
      return candidates.get(chosen).settings();
    }
  }

  /** One candidate: its searched settings, how it ranked the holdout, its seconds (training and measuring). */
  public record Candidate(SortedMap<String, String> settings, List<Ranking> ranking, double seconds) {}

  /** A rule of the gate: its metric's value against the threshold, and what came of it. */
  public record Rule(String name, String metric, Double value, Double threshold, String outcome, String detail) {}

  /** The verdict, each rule, and why; whether it publishes is the verdict's to say. */
  public record Gate(GateVerdict.Verdict verdict, List<Rule> rules, String reason) {
    public boolean publishes() {
      return verdict.publishes();
    }

    /** As evaluate's gate.properties holds it. */
    public GateVerdict toVerdict() {
      return new GateVerdict(verdict, reason);
    }
  }

  /** The ranking at {@code k}, or null. */
  public Ranking modelAt(int k) {
    return model.stream().filter(r -> r.k() == k).findFirst().orElse(null);
  }

  public Ranking popularityAt(int k) {
    return popularity.stream().filter(r -> r.k() == k).findFirst().orElse(null);
  }

  public void write(FileSystem fs, Path file) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      StatsFile.JSON.writeValue(out, this);
    }
  }

  /** The metrics in {@code file}, or null when there are none. */
  public static EvaluationMetrics readIfExists(Configuration conf, Path file) throws IOException {
    try (InputStream in = file.getFileSystem(conf).open(file)) {
      return StatsFile.JSON.readValue(in, EvaluationMetrics.class);
    } catch (FileNotFoundException e) {
      return null;
    }
  }
}
