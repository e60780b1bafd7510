package io.recsv.als;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The training settings a search may choose (the evaluate stage's candidates, {@code recsv tune}), as text: how
 * evaluate's metrics.json records a candidate, and how the train stage applies evaluate's choice over its config.
 * The rest of {@code train.*} (the solver, the seed, ...) is never searched.
 */
public final class TunedSettings {

  public static final String RANK = "train.rank";
  public static final String REG_PARAM = "train.reg-param";
  public static final String ALPHA = "train.alpha";
  public static final String MAX_ITER = "train.max-iter";
  public static final String CONFIDENCE = "train.confidence";
  public static final String WEIGHTING = "train.weighting";

  /** Every key a search may move, in the order tables show them. */
  public static final List<String> KEYS = List.of(RANK, REG_PARAM, ALPHA, MAX_ITER, CONFIDENCE, WEIGHTING);

  private TunedSettings() {}

  /** The searched keys of {@code config}, each as its type reads (a whole number, a number, a name). */
  public static SortedMap<String, String> of(Config config) {
    SortedMap<String, String> values = new TreeMap<>();
    values.put(RANK, String.valueOf(config.getInt(RANK)));
    values.put(REG_PARAM, String.valueOf(config.getDouble(REG_PARAM)));
    values.put(ALPHA, String.valueOf(config.getDouble(ALPHA)));
    values.put(MAX_ITER, String.valueOf(config.getInt(MAX_ITER)));
    values.put(CONFIDENCE, config.getString(CONFIDENCE).trim());
    values.put(WEIGHTING, config.getString(WEIGHTING).trim());
    return values;
  }

  /**
   * {@code config} with {@code chosen} in place of its values (only searched keys; any other is a bug of the
   * caller's). The result is checked as any config is, by {@link AlsTrainer#from}.
   */
  public static Config applied(Config config, Map<String, String> chosen) {
    Config out = config;
    for (Map.Entry<String, String> e : chosen.entrySet()) {
      Object value = switch (e.getKey()) {
        case RANK, MAX_ITER -> Integer.valueOf(e.getValue());
        case REG_PARAM, ALPHA -> Double.valueOf(e.getValue());
        case CONFIDENCE, WEIGHTING -> e.getValue();
        default -> throw new IllegalArgumentException("not a searched setting: " + e.getKey());
      };
      out = out.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(value));
    }
    return out;
  }

  /** "rank 32, reg-param 0.01, alpha 10.0, max-iter 10, confidence log, weighting none". */
  public static String describe(Map<String, String> settings) {
    StringBuilder out = new StringBuilder();
    for (String key : KEYS) {
      if (settings.containsKey(key)) {
        out.append(out.length() == 0 ? "" : ", ").append(key.substring("train.".length())).append(' ')
            .append(settings.get(key));
      }
    }
    return out.toString();
  }
}
