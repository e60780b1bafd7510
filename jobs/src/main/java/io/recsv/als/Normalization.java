package io.recsv.als;

import io.recsv.config.Settings;

/** How a user's raw top-k scores (sorted best first) become the published scores. */
enum Normalization {
  /** score / best, clipped to [0, 1]; all 0 when the best score is not positive. */
  MAX,
  /** (score - worst) / (best - worst); all 1 when best == worst. */
  MIN_MAX,
  /** The raw ALS dot product. */
  NONE;

  static Normalization from(Settings s) {
    return switch (s.oneOf("score.normalization", "max", "min-max", "none")) {
      case "max" -> MAX;
      case "min-max" -> MIN_MAX;
      default -> NONE;
    };
  }

  /** Normalizes {@code scores[0..n)} in place; they are sorted best first. */
  void apply(float[] scores, int n) {
    if (n == 0 || this == NONE) {
      return;
    }
    float best = scores[0];
    if (this == MAX) {
      for (int i = 0; i < n; i++) {
        scores[i] = best > 0 ? clip(scores[i] / best) : 0f;
      }
    } else {
      float worst = scores[n - 1];
      float range = best - worst;
      for (int i = 0; i < n; i++) {
        scores[i] = range > 0 ? clip((scores[i] - worst) / range) : 1f;
      }
    }
  }

  private static float clip(float v) {
    return Math.max(0f, Math.min(1f, v));
  }
}
