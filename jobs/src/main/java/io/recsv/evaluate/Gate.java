package io.recsv.evaluate;

import io.recsv.workflow.GateVerdict.Verdict;
import io.recsv.config.Settings;
import io.recsv.report.EvaluationMetrics;
import io.recsv.report.EvaluationMetrics.Ranking;
import io.recsv.report.EvaluationMetrics.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdict on this week's model ({@code evaluate.gate.*}; whether the week is published is {@link
 * io.recsv.run.PublishGate}'s decision): its NDCG at k against the popularity
 * baseline's and against the last passed run's, and its catalogue coverage. A rule without data (no earlier run)
 * is skipped, and says so.
 */
final class Gate {

  private final boolean enabled;
  private final double minVsPopularity;
  private final double maxDrop;
  private final double minCoverage;
  private final int minUsers;

  Gate(Settings s) {
    enabled = s.bool("evaluate.gate.enabled");
    minVsPopularity = s.doubleAtLeast("evaluate.gate.min-ndcg-vs-popularity", 0);
    maxDrop = s.doubleAtLeast("evaluate.gate.max-drop-vs-last-run", 0);
    if (maxDrop > 1) {
      throw s.bad("evaluate.gate.max-drop-vs-last-run", "must be at most 1");
    }
    minUsers = s.intAtLeast("evaluate.gate.min-users", 0);
    minCoverage = s.doubleAtLeast("evaluate.gate.min-coverage", 0);
    if (minCoverage > 1) {
      throw s.bad("evaluate.gate.min-coverage", "must be at most 1");
    }
  }

  /**
   * @param last the metrics of the latest earlier run whose gate passed, or null
   * @param lastRunId its run id (for the rule's detail)
   */
  EvaluationMetrics.Gate judge(Ranking model, Ranking popularity, long evaluatedUsers, EvaluationMetrics last,
      String lastRunId) {
    String k = "@" + model.k();
    List<Rule> rules = new ArrayList<>();
    if (evaluatedUsers < Math.max(1, minUsers)) {
      // Too few users to tell a model from noise (or none: every user has fewer pairs than
      // evaluate.min-interactions): no rule can judge.
      String why = evaluatedUsers == 0 ? "no user has evaluate.min-interactions pairs or more: nothing was held out"
          : "only " + evaluatedUsers + " users evaluated, fewer than evaluate.gate.min-users (" + minUsers
              + "): too few to judge";
      rules.add(new Rule("vs popularity", "ndcg" + k, null, null, "skipped", why));
      rules.add(new Rule("vs last run", "ndcg" + k, null, null, "skipped", why));
      rules.add(new Rule("coverage", "coverage" + k, null, null, "skipped", why));
      return new EvaluationMetrics.Gate(enabled ? Verdict.PASS : Verdict.OFF, rules, "nothing to judge: " + why);
    }
    rules.add(rule("vs popularity", "ndcg" + k, model.ndcg(), minVsPopularity * popularity.ndcg(),
        String.format("at least %.2f x the popularity baseline's %.4f", minVsPopularity, popularity.ndcg())));
    Ranking before = last == null ? null : last.modelAt(model.k());
    if (before == null) {
      rules.add(new Rule("vs last run", "ndcg" + k, model.ndcg(), null, "skipped",
          "no earlier run under run.root with a passed gate at k " + model.k()));
    } else {
      rules.add(rule("vs last run", "ndcg" + k, model.ndcg(), (1 - maxDrop) * before.ndcg(),
          String.format("at most %.0f%% below run %s's %.4f", 100 * maxDrop, lastRunId, before.ndcg())));
    }
    rules.add(rule("coverage", "coverage" + k, model.coverage(), minCoverage,
        String.format("at least %.4f of the catalogue", minCoverage)));
    List<Rule> failed = rules.stream().filter(r -> "fail".equals(r.outcome())).toList();
    if (!enabled) {
      return new EvaluationMetrics.Gate(Verdict.OFF, rules, "evaluate.gate.enabled = false");
    }
    if (failed.isEmpty()) {
      return new EvaluationMetrics.Gate(Verdict.PASS, rules, "every rule passed");
    }
    String reason = String.join("; ", failed.stream().map(r -> String.format("%s %.4f is below %.4f (%s)",
        r.metric(), r.value(), r.threshold(), r.detail())).toList());
    return new EvaluationMetrics.Gate(Verdict.FAIL, rules, reason);
  }

  private static Rule rule(String name, String metric, double value, double threshold, String detail) {
    return new Rule(name, metric, value, threshold, value >= threshold ? "pass" : "fail", detail);
  }
}
