package io.recsv.score;

import java.util.Arrays;

/**
 * Scores one block of users against one item slice and feeds each user's top-k. The work is a matrix product
 * (users x rank) * (rank x items), done a chunk of items at a time: the chunk's scores for one user fit in L1
 * and the chunk's factors stay in L2 while every user of the block passes over them. Selection follows each
 * chunk: a candidate costs one comparison against the user's current threshold.
 */
final class BlockKernel {

  /** Items per chunk: 2,048 scores = 8 KiB, well inside L1. */
  static final int CHUNK = 2048;

  private final float[] scores = new float[CHUNK];
  private final boolean select;

  BlockKernel() {
    this(true);
  }

  /** @param select false only to time the arithmetic alone (benchmark) */
  BlockKernel(boolean select) {
    this.select = select;
  }

  /**
   * @param users factors of {@code count} users, user-major ({@code users[u * rank + r]})
   * @param seen per user, sorted item indices to exclude, or null
   */
  void score(float[] users, int count, ItemSlice slice, TopK[] tops, int[][] seen) {
    int rank = slice.rank;
    int n = slice.size;
    float[] f = slice.factors;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      int len = Math.min(CHUNK, n - c0);
      for (int u = 0; u < count; u++) {
        int uo = u * rank;
        float f0 = users[uo];
        for (int j = 0; j < len; j++) {
          scores[j] = f0 * f[c0 + j];
        }
        for (int r = 1; r < rank; r++) {
          float fr = users[uo + r];
          int off = r * n + c0;
          for (int j = 0; j < len; j++) {
            scores[j] += fr * f[off + j];
          }
        }
        if (select) {
          select(tops[u], slice.items, c0, len, seen == null ? null : seen[u]);
        }
      }
    }
  }

  private void select(TopK top, int[] items, int c0, int len, int[] seen) {
    float threshold = top.threshold();
    for (int j = 0; j < len; j++) {
      float s = scores[j];
      if (s > threshold) {
        int item = items[c0 + j];
        if (seen == null || Arrays.binarySearch(seen, item) < 0) {
          top.offer(item, s);
          threshold = top.threshold();
        }
      }
    }
  }
}
