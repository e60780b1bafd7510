package io.recsv.report;

import io.recsv.als.TunedSettings;
import io.recsv.workflow.StageName;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.recsv.lineage.Lineage;
import io.recsv.config.UserError;
import io.recsv.fs.Renames;
import io.recsv.lineage.RunLayout;
import io.recsv.run.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The run's report, written beside the published CSV as {@code <csv>.report.json} (this record, for programs)
 * and {@code <csv>.report.html} (one self-contained page of charts, for people; see {@link ReportPage}): what
 * the run took in and made, how long each stage took, with which parameters, and what the recommendations look
 * like. It is built from what the stages recorded in their outputs (their lineage and statistics) and the CSV's
 * own figures; statistics of an output that is no longer the one the CSV was made from are left out, and
 * {@code notes} says so.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
    String format,
    String runId,
    String createdAt,
    String recsvVersion,
    String recsvCommit,
    Csv csv,
    List<StageTime> stages,
    SortedMap<String, String> model,
    SortedMap<String, String> scorer,
    InputStats input,
    ScoreStats scores,
    EvaluationMetrics evaluation,
    Boolean publishedDespiteGate,
    List<String> notes) {

  public static final String FORMAT = "recsv-report/1";

  /** The published CSV's own figures, as its manifest gives them. */
  public record Csv(String file, long rows, long users, long bytes) {}

  /** When a stage's output was made and how long the stage took (null where it did not record its start). */
  public record StageTime(String stage, String outputId, String startedAt, String finishedAt, Double seconds) {}

  public static Path jsonFor(Path csv) {
    return new Path(csv.getParent(), csv.getName() + ".report.json");
  }

  public static Path htmlFor(Path csv) {
    return new Path(csv.getParent(), csv.getName() + ".report.html");
  }

  /**
   * The report of the CSV that {@code merge} (the merge's lineage, holding the whole chain) describes; the merge
   * is taken to end now.
   */
  public static RunReport build(Configuration conf, RunLayout layout, Lineage merge, Csv csv,
      Evaluation evaluation) throws IOException {
    Map<StageName, Lineage> chain = merge.byStage();
    List<String> notes = new ArrayList<>();
    InputStats input = statsOf(conf, layout, chain, StageName.PREPARE, InputStats.class, notes);
    ScoreStats scores = statsOf(conf, layout, chain, StageName.SCORE, ScoreStats.class, notes);
    if (csv.rows() == 0) {
      Lineage score = chain.get(StageName.SCORE);
      boolean excluded = score != null && "true".equals(score.config().get("score.exclude-seen"));
      notes.add("the CSV has its header and no row: no user has a product to recommend" + (excluded
          ? " (every user has seen the whole catalogue, and score.exclude-seen = true leaves it out)" : ""));
    }
    List<StageTime> stages = new ArrayList<>();
    String now = Instant.now().toString();
    for (Lineage l : chain.values()) {
      boolean isMerge = l == merge;  // its record is written before it merges: it ends now
      String finished = isMerge ? now : l.createdAt();
      Double seconds = l.startedAt() == null ? null
          : Duration.between(Instant.parse(l.startedAt()), Instant.parse(finished)).toMillis() / 1000.0;
      stages.add(new StageTime(l.stage(), l.id(), l.startedAt(), finished, seconds));
    }
    if (evaluation != null && evaluation.metrics() != null && !chain.containsKey(StageName.EVALUATE)) {
      // Beside the chain: a week whose train ran without evaluate's choice (a stage run alone).
      EvaluationMetrics m = evaluation.metrics();
      String start = Instant.parse(m.createdAt()).minusMillis((long) (m.seconds() * 1000)).toString();
      stages.add(new StageTime(StageName.EVALUATE.id(), null, start, m.createdAt(), m.seconds()));
    }
    stages.sort(Comparator.comparing(StageTime::finishedAt));
    return new RunReport(FORMAT, layout.runId(), now, Version.version(), Version.commit(), csv, stages,
        settings(chain, StageName.TRAIN), settings(chain, StageName.SCORE), input, scores,
        evaluation == null ? null : evaluation.metrics(), evaluation == null ? null : evaluation.publishedDespiteGate(),
        notes);
  }

  private static SortedMap<String, String> settings(Map<StageName, Lineage> chain, StageName stage) {
    Lineage l = chain.get(stage);
    return l == null ? null : l.settings();
  }

  /** A stage's statistics, if they are those of the output in the chain (else a note says why they are absent). */
  private static <S> S statsOf(Configuration conf, RunLayout layout, Map<StageName, Lineage> chain, StageName stage,
      Class<S> type, List<String> notes) throws IOException {
    Lineage made = chain.get(stage);
    if (made == null) {
      return null;
    }
    try {
      Lineage.read(conf, layout.stageDir(stage), stage);  // its files as recorded, the statistics among them
    } catch (UserError e) {
      notes.add(stage + "'s statistics are left out: " + e.getMessage());
      return null;
    }
    StatsFile<S> file = StatsFile.read(conf, layout.stageDir(stage), type);
    if (file == null) {
      notes.add(stage + "'s output " + layout.stageDir(stage) + " has no statistics (made by an older recsv?);"
          + " rerun from '" + stage + "' to have them");
      return null;
    }
    if (!made.id().equals(file.outputId())) {
      notes.add(stage + "'s output was made again (" + file.outputId() + ") after this CSV was made from "
          + made.id() + "; its statistics are not this CSV's and are left out");
      return null;
    }
    return file.stats();
  }

  /** Writes report.json and report.html beside the CSV, each under a temporary name first, then renamed. */
  public void write(FileSystem fs, Path csv, FsPermission permission) throws IOException {
    publish(fs, jsonFor(csv), StatsFile.JSON.writeValueAsBytes(this), permission);
    publish(fs, htmlFor(csv), ReportPage.render(this).getBytes(StandardCharsets.UTF_8), permission);
  }

  private static void publish(FileSystem fs, Path target, byte[] bytes, FsPermission permission) throws IOException {
    Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try (OutputStream out = fs.create(temp, true)) {
      out.write(bytes);
    }
    if (permission != null) {
      fs.setPermission(temp, permission);
    }
    Renames.replace(fs, temp, target);
  }

  /** A few lines for a terminal: what went in and came out, coverage, seen products, scores, seconds, notes. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    if (input != null) {
      lines.add(String.format("in:       %,d users, %,d products, %,d (user, product) pairs", input.users(),
          input.products(), input.pairs()));
    }
    lines.add(String.format("out:      %,d rows for %,d users, %,d bytes", csv.rows(), csv.users(), csv.bytes()));
    if (scores != null) {
      lines.add(String.format("coverage: %,d of %,d products recommended (%.1f%%); Gini of exposure %.2f",
          scores.productsRecommended(), scores.catalogue(),
          100.0 * scores.productsRecommended() / Math.max(1, scores.catalogue()), scores.gini()));
      ScoreStats.Seen seen = scores.seen();
      lines.add(seen.excluded() ? "seen:     none (score.exclude-seen = true)"
          : String.format("seen:     %.1f%% of the recommendations are products the user already has (%,d users"
              + " checked; score.exclude-seen = true excludes them)", 100 * seen.share(), seen.sampledUsers()));
      lines.add(String.format("scores:   median %.3f, mean %.3f (raw ALS: median %.3f, mean %.3f)",
          scores.scores().median(), scores.scores().mean(), scores.rawScores().median(), scores.rawScores().mean()));
    }
    StringBuilder times = new StringBuilder("seconds: ");
    double total = 0;
    for (StageTime t : stages) {
      if (t.seconds() != null) {
        times.append(String.format(" %s %.1f", t.stage(), t.seconds()));
        total += t.seconds();
      }
    }
    lines.add(times + String.format("  (total %.1f)", total));
    if (evaluation != null) {
      EvaluationMetrics.Ranking model = evaluation.model().get(evaluation.model().size() - 1);
      EvaluationMetrics.Ranking popular = evaluation.popularity().get(evaluation.popularity().size() - 1);
      lines.add(String.format("quality:  NDCG@%d %.4f (popularity %.4f), precision@%d %.4f; gate %s%s", model.k(),
          model.ndcg(), popular.ndcg(), model.k(), model.precision(), evaluation.gate().verdict(),
          Boolean.TRUE.equals(publishedDespiteGate) ? ", published anyway (evaluate.gate.force)" : ""));
      EvaluationMetrics.Search search = evaluation.search();
      if (search != null) {
        EvaluationMetrics.Candidate chosen = search.candidates().get(search.chosen());
        lines.add(String.format("settings: %s, %s of %d candidates by %s (%s)",
            TunedSettings.describe(chosen.settings()), search.chosen() == 0 ? "the configured ones, the best"
                : "chosen by evaluate, the best", search.candidates().size(), search.metric(), search.stoppedBy()));
      }
    }
    for (String note : notes) {
      lines.add("note:     " + note);
    }
    return lines;
  }

  public static RunReport read(FileSystem fs, Path csv) throws IOException {
    try (InputStream in = fs.open(jsonFor(csv))) {
      return StatsFile.JSON.readValue(in, RunReport.class);
    }
  }
}
