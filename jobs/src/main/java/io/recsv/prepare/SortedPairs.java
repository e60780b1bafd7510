package io.recsv.prepare;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Interactions sorted by (user, product), each pair at most once with its rows combined: what a map task sends to
 * one block, and what the block merges. Weights stay doubles until the block stores them as floats, so that a sum
 * is rounded once. {@code times} is null when the input has none.
 */
final class SortedPairs implements Serializable {

  private static final long serialVersionUID = 1L;

  final long[] users;
  final long[] products;
  final double[] weights;
  final long[] times;

  SortedPairs(long[] users, long[] products, double[] weights, long[] times) {
    this.users = users;
    this.products = products;
    this.weights = weights;
    this.times = times;
  }

  int size() {
    return users.length;
  }

  /**
   * Sorts {@code [from, to)} of the parallel arrays by (user, product) and combines each pair's rows; the chunk of
   * the combined pairs. {@code weights} must already hold what combining expects (a count of 1 per row for
   * {@link PrepareJob.Aggregate#COUNT}).
   */
  static SortedPairs of(long[] users, long[] products, double[] weights, long[] times, int from, int to,
      PrepareJob.Aggregate aggregate) {
    PairSort.sort(users, products, weights, times, from, to);
    int out = from;
    for (int i = from; i < to; i++) {
      if (out > from && users[out - 1] == users[i] && products[out - 1] == products[i]) {
        weights[out - 1] = combined(aggregate, weights[out - 1], weights[i]);
        if (times != null) {
          times[out - 1] = Math.max(times[out - 1], times[i]);
        }
        continue;
      }
      users[out] = users[i];
      products[out] = products[i];
      weights[out] = weights[i];
      if (times != null) {
        times[out] = times[i];
      }
      out++;
    }
    return new SortedPairs(Arrays.copyOfRange(users, from, out), Arrays.copyOfRange(products, from, out),
        Arrays.copyOfRange(weights, from, out), times == null ? null : Arrays.copyOfRange(times, from, out));
  }

  /**
   * Two partial results of one pair combined: sums for SUM (and for COUNT, whose partial weights are counts),
   * the larger for MAX.
   */
  static double combined(PrepareJob.Aggregate aggregate, double a, double b) {
    return aggregate == PrepareJob.Aggregate.MAX ? Math.max(a, b) : a + b;
  }
}
