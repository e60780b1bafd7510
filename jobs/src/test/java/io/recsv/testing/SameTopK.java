package io.recsv.testing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether two scorers gave a user the same top k: the same score at every rank, and at each run of tied scores the
 * same set of products (ties may reorder, ids may not change). Only a run of ties cut off at rank k may hold other
 * products, as long as their scores are the same: which of several tied products make the cut is the method's
 * choice. Used by the scoring tests and by {@code recsv bench score}.
 */
public final class SameTopK {

  /** One recommendation, in rank order within its user. */
  public record Pick(int product, float score) {}

  private SameTopK() {}

  /** Null when {@code a} and {@code b} (each in rank order) agree; else what differs first, with its ranks. */
  public static String firstDifference(List<Pick> a, List<Pick> b) {
    if (a.size() != b.size()) {
      return a.size() + " rows against " + b.size();
    }
    int from = 0;
    while (from < a.size()) {
      int to = from + 1;
      while (to < a.size() && close(a.get(to).score(), a.get(from).score(), 1e-6)) {
        to++;
      }
      Set<Integer> productsA = new HashSet<>();
      Set<Integer> productsB = new HashSet<>();
      for (int i = from; i < to; i++) {
        if (!close(a.get(i).score(), b.get(i).score(), 1e-5)) {
          return "score at rank " + (i + 1) + ": " + a.get(i).score() + " against " + b.get(i).score();
        }
        productsA.add(a.get(i).product());
        productsB.add(b.get(i).product());
      }
      if (to < a.size() && !productsA.equals(productsB)) {
        return "products at ranks " + (from + 1) + "-" + to + ": " + productsA + " against " + productsB;
      }
      from = to;
    }
    return null;
  }

  private static boolean close(float a, float b, double relative) {
    return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a));
  }
}
