package io.recsv.als;

import java.util.Arrays;

/**
 * The best k (item, score) pairs offered, with primitive arrays and no boxing. "Better" is the higher score,
 * and for equal scores the lower item index (= lower product id, see prepare's ProductIndex); -0.0 and 0.0 are equal.
 * <p>Each pair is packed into one long whose ascending order is that "better" order, and appended to a buffer
 * of a few times k; when the buffer fills, a quickselect keeps the best k and raises the threshold. Offering
 * is an append, not a heap operation: the scorer offers hundreds of candidates per user. When items arrive in
 * ascending index order, as the scorer feeds them, a candidate can only enter if {@code score > threshold()}:
 * one comparison rejects most. Pairs offered in any other order are still ranked correctly.
 */
final class TopK {

  private final int k;
  private final long[] keys;
  private int size;
  private float threshold = Float.NEGATIVE_INFINITY;

  TopK(int k) {
    this.k = k;
    this.keys = new long[Math.max(4 * k, 64)];
  }

  void clear() {
    size = 0;
    threshold = Float.NEGATIVE_INFINITY;
  }

  /** Scores at or below this cannot enter (given ascending item order); -infinity while fewer than k are known. */
  float threshold() {
    return threshold;
  }

  void offer(int item, float score) {
    if (size == keys.length) {
      keepBest();
    }
    keys[size++] = key(score, item);
  }

  /** Empties into {@code outItems}/{@code outScores}, best first; returns how many (at most k). */
  int drainSorted(int[] outItems, float[] outScores) {
    if (size > k) {
      keepBest();
    }
    Arrays.sort(keys, 0, size);
    int n = size;
    for (int i = 0; i < n; i++) {
      outItems[i] = (int) keys[i];
      outScores[i] = score(keys[i]);
    }
    clear();
    return n;
  }

  /** Keeps the k best (smallest keys) in keys[0..k) and sets the threshold to the k-th best score. */
  private void keepBest() {
    int lo = 0;
    int hi = size - 1;
    while (lo < hi) {
      int p = partition(lo, hi);
      if (p == k - 1) {
        break;
      } else if (p < k - 1) {
        lo = p + 1;
      } else {
        hi = p - 1;
      }
    }
    size = Math.min(size, k);
    long worst = keys[0];
    for (int i = 1; i < size; i++) {
      worst = Math.max(worst, keys[i]);
    }
    if (size == k) {
      threshold = score(worst);
    }
  }

  /**
   * Lomuto partition around the median of three; returns the pivot's final position. Branch-free: every key is
   * swapped into place and the boundary moves by the comparison's outcome, which is a coin toss to a predictor.
   */
  private int partition(int lo, int hi) {
    int mid = (lo + hi) >>> 1;
    if (keys[mid] < keys[lo]) {
      swap(mid, lo);
    }
    if (keys[hi] < keys[lo]) {
      swap(hi, lo);
    }
    if (keys[mid] < keys[hi]) {
      swap(mid, hi);
    }
    long[] a = keys;
    long pivot = a[hi];
    int store = lo;
    for (int i = lo; i < hi; i++) {
      long v = a[i];
      a[i] = a[store];
      a[store] = v;
      store += v < pivot ? 1 : 0;
    }
    swap(store, hi);
    return store;
  }

  private void swap(int a, int b) {
    long t = keys[a];
    keys[a] = keys[b];
    keys[b] = t;
  }

  /** Ascending key order = score descending, then item ascending. Items are non-negative ints. */
  static long key(float score, int item) {
    int bits = Float.floatToIntBits(score + 0.0f);  // -0.0 + 0.0 = 0.0: one zero
    int ordered = bits ^ ((bits >> 31) & 0x7fffffff);  // signed int order = float order
    return ((long) ~ordered << 32) | (item & 0xffffffffL);
  }

  static float score(long key) {
    int ordered = ~(int) (key >> 32);
    return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
  }
}
