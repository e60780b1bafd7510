package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.recsv.als.TunedSettings;
import io.recsv.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The steps of the candidate search, without Spark: a step to another confidence form or weighting carries alpha
 * so that alpha times the mean weight stays as it was; explicit feedback steps rank, reg-param and max-iter only.
 */
class CandidateStepsTest {

  private static Config settings(String... overrides) {
    return ConfigLoader.load(List.of(), List.of(overrides));
  }

  /** Each neighbour as the one setting it changed (two for a rescaled alpha), by what changed. */
  private static List<Map<String, String>> changes(Config at, CandidateSearch.WeightScale scale) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> before = TunedSettings.of(at);
    for (Config step : CandidateSearch.neighbours(at, scale)) {
      Map<String, String> changed = new TreeMap<>();
      TunedSettings.of(step).forEach((key, value) -> {
        if (!value.equals(before.get(key))) {
          changed.put(key, value);
        }
      });
      out.add(changed);
    }
    return out;
  }

  @Test
  void aStepToAWeightingCarriesAlphaToTheSameMeanConfidence() {
    Config at = settings("train.rank=32", "train.alpha=10", "train.confidence=log", "train.weighting=none");
    // Weights as a weighting makes them: bm25 6x the log form's, tfidf 4x; the linear form 2.5x.
    CandidateSearch.WeightScale scale = s -> switch (s.getString("train.weighting")) {
      case "bm25" -> 6.0;
      case "tfidf" -> 4.0;
      default -> s.getString("train.confidence").equals("linear") ? 2.5 : 1.0;
    };
    List<Map<String, String>> steps = changes(at, scale);
    assertTrue(steps.contains(Map.of("train.weighting", "bm25", "train.alpha", "1.7")), steps.toString());
    assertTrue(steps.contains(Map.of("train.weighting", "tfidf", "train.alpha", "2.5")), steps.toString());
    assertTrue(steps.contains(Map.of("train.confidence", "linear", "train.alpha", "4.0")), steps.toString());
    assertTrue(steps.contains(Map.of("train.alpha", "3.0")) && steps.contains(Map.of("train.alpha", "30.0")),
        "alpha's own steps stay on its grid: " + steps);
    assertTrue(changes(at, CandidateSearch.WeightScale.SAME).contains(Map.of("train.weighting", "bm25")),
        "the same scale: alpha as it was");
    // From a rescaled alpha, alpha's steps are the grid's values around it.
    Config bm25 = settings("train.rank=32", "train.alpha=1.7", "train.confidence=log", "train.weighting=bm25");
    List<Map<String, String>> fromThere = changes(bm25, scale);
    assertTrue(fromThere.contains(Map.of("train.alpha", "1.0")) && fromThere.contains(Map.of("train.alpha", "3.0")),
        fromThere.toString());
  }

  @Test
  void theChoiceWeighsOnlyTheStepItTakesAndIsTheSameAsAmongWeighedSteps() {
    Config at = settings("train.rank=32", "train.alpha=10", "train.confidence=log", "train.weighting=none");
    CandidateSearch.WeightScale scale = s -> s.getString("train.weighting").equals("none") ? 1.0 : 5.0;
    List<Config> weighed = CandidateSearch.neighbours(at, scale);
    List<Config> untried = new ArrayList<>(weighed);
    Config carried = weighed.stream().filter(c -> c.getString("train.weighting").equals("bm25")).findFirst()
        .orElseThrow();
    // Tried: the start, and bm25 at another alpha than the carried one (tried in alpha alone: weighed to tell).
    List<Config> tried = List.of(at, carried.withValue("train.alpha", ConfigValueFactory.fromAnyRef(7.0)));
    int weighings = 0;
    for (int seed = 0; seed < 40; seed++) {
      AtomicInteger asked = new AtomicInteger();
      CandidateSearch.WeightScale counting = s -> {
        asked.incrementAndGet();
        return scale.meanWeight(s);
      };
      Config chosen = CandidateSearch.neighbour(at, tried, new Random(seed), counting);
      // Among the weighed steps not tried (none of them is: bm25's tried alpha is not the carried one).
      assertEquals(TunedSettings.of(untried.get(new Random(seed).nextInt(untried.size()))), TunedSettings.of(chosen));
      boolean carries = !chosen.getString("train.weighting").equals("none")
          || !chosen.getString("train.confidence").equals("log");
      // bm25 is weighed to tell it from the tried one (2 weighings); a chosen form or weighting is weighed again.
      assertEquals(2 + (carries ? 2 : 0), asked.get(), "seed " + seed + ": " + TunedSettings.of(chosen));
      weighings += asked.get();
    }
    assertTrue(weighings < 40 * 2 * 3, "the untaken steps to tfidf and linear were not weighed: " + weighings);
  }

  @Test
  void explicitFeedbackStepsRankRegularizationAndIterationsOnly() {
    Config at = settings("train.implicit-prefs=false", "train.confidence=linear", "train.weighting=none",
        "train.rank=32", "train.reg-param=0.01", "train.max-iter=10");
    List<Map<String, String>> steps = changes(at, s -> {
      throw new AssertionError("no weighting is weighed for explicit feedback");
    });
    assertEquals(List.of(Map.of("train.rank", "16"), Map.of("train.rank", "64"), Map.of("train.reg-param", "0.003"),
        Map.of("train.reg-param", "0.03"), Map.of("train.max-iter", "5"), Map.of("train.max-iter", "15")), steps);
  }
}
