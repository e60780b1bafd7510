package io.recsv.evaluate;

import io.recsv.als.TunedSettings;
import io.recsv.report.EvaluationMetrics;
import io.recsv.report.EvaluationMetrics.Ranking;
import java.util.ArrayList;
import java.util.List;

/** The metrics as a short table for a terminal, with the gate's verdict. */
public final class MetricsTable {

  private MetricsTable() {}

  public static List<String> lines(EvaluationMetrics m) {
    List<String> out = new ArrayList<>();
    EvaluationMetrics.Split s = m.split();
    out.add(String.format("holdout: %,d users (%.0f%% of each one's pairs, %s), model trained on %,d users'"
        + " %,d pairs%s", s.evaluatedUsers(), 100 * s.holdoutFraction(), s.method(), s.trainUsers(), s.trainPairs(),
        s.measureEvery() > 1 ? String.format("; measured on %,d of them (evaluate.measure-users)", s.measuredUsers())
            : ""));
    out.add("            precision  recall    NDCG     MAP  hit rate  coverage   Gini");
    for (int i = 0; i < m.model().size(); i++) {
      out.add(row("@" + m.model().get(i).k() + " model", m.model().get(i)));
      out.add(row("   popular", m.popularity().get(i)));
    }
    EvaluationMetrics.Search search = m.search();
    if (search != null) {
      out.add(String.format("candidates by %s (%s%s):", search.metric(), search.stoppedBy(),
          search.budgetFrom() == null ? "; no earlier week: no time budget"
              : String.format("; budget %.1f s, %s", search.budgetSeconds(), search.budgetFrom())));
      for (int i = 0; i < search.candidates().size(); i++) {
        EvaluationMetrics.Candidate c = search.candidates().get(i);
        out.add(String.format("  %d %s %-70s %.4f %7.1f s", i + 1, i == search.chosen() ? "chosen" : "      ",
            TunedSettings.describe(c.settings()), c.ranking().get(c.ranking().size() - 1).ndcg(), c.seconds()));
      }
    }
    out.add("gate: " + m.gate().verdict() + " (" + m.gate().reason() + ")");
    return out;
  }

  /** The stage's result line, then the table. */
  static String summary(EvaluationMetrics m) {
    Ranking model = m.model().get(m.model().size() - 1);
    Ranking popular = m.popularity().get(m.popularity().size() - 1);
    return String.format("NDCG@%d %.4f, %.2fx the popularity baseline's; gate %s%n  %s", model.k(), model.ndcg(),
        model.ndcg() / Math.max(popular.ndcg(), 1e-12), m.gate().verdict(), String.join("\n  ", lines(m)));
  }

  private static String row(String name, Ranking r) {
    return String.format("%-10s %9.4f %7.4f %7.4f %7.4f %9.4f %9.4f %6.3f", name, r.precision(), r.recall(),
        r.ndcg(), r.map(), r.hitRate(), r.coverage(), r.gini());
  }
}
