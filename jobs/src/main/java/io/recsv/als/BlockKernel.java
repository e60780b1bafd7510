package io.recsv.als;

import java.util.Arrays;

/**
 * Scores one block of users against one item slice and feeds each user's top-k. The work is a matrix product
 * (users x rank) * (rank x items), done a chunk of items at a time: a chunk's factors and scores fit in L1
 * while every user of the block passes over them.
 * <p>Users go two at a time and factors four at a time, so each item's factors are loaded once for two users
 * and each score is stored once per four multiply-adds. Every array in the inner loops is indexed by the same
 * j (see {@link ItemSlice}), so the JIT vectorizes them. The sums are written left to right
 * ({@code s + a*b + c*d + ...}), the order of a plain dot product, and Java does not reassociate floats: the
 * scores are bit-identical to {@code sum over r of user[r] * item[r]}, in order.
 * <p>Selection follows each chunk: one comparison per item against the user's current threshold; the few
 * items above it are appended to the user's top-k (see {@link TopK}). A user's seen items are skipped by a cursor
 * that walks their sorted list as the slice's ascending items pass, not by a search per candidate.
 */
final class BlockKernel {

  /** At most this many items per chunk; fewer at higher ranks (see {@link #chunk}). */
  static final int CHUNK = 2048;

  private final float[] scores0 = new float[CHUNK];
  private final float[] scores1 = new float[CHUNK];
  /** Per user of the call: the first of its seen items not below the items scored so far. */
  private int[] seenAt = new int[0];

  /** Items per chunk so that the chunk's factors take ~32 KiB and stay in L1 (48 KiB and up) with the scores. */
  static int chunk(int rank) {
    return Math.max(64, Math.min(CHUNK, (32 * 1024 / 4) / rank));
  }

  /**
   * @param users factors of {@code count} users, user-major ({@code users[u * rank + r]})
   * @param seen per user, sorted item indices to exclude, or null
   */
  void score(float[] users, int count, ItemSlice slice, TopK[] tops, int[][] seen) {
    int rank = slice.rank;
    if (seen != null) {
      seenAt = seenAt.length >= count ? seenAt : new int[count];
      Arrays.fill(seenAt, 0, count, 0);
    }
    for (int c = 0, c0 = 0; c0 < slice.size; c++, c0 += slice.chunk) {
      float[][] rows = slice.rows;
      int base = c * rank;
      int len = rows[base].length;
      for (int u = 0; u < count; u += 2) {
        boolean pair = u + 1 < count;  // an odd last user is scored paired with itself: same scores, one loop
        scorePair(users, u * rank, (pair ? u + 1 : u) * rank, rows, base, rank, len);
        select(scores0, tops[u], slice.items, c0, len, seen == null ? null : seen[u], u);
        if (pair) {
          select(scores1, tops[u + 1], slice.items, c0, len, seen == null ? null : seen[u + 1], u + 1);
        }
      }
    }
  }

  /** Scores of users a and b (offsets into users) against one chunk, into scores0 and scores1. */
  void scorePair(float[] users, int a, int b, float[][] rows, int base, int rank, int len) {
    float[] p = scores0;
    float[] q = scores1;
    float x = users[a];
    float y = users[b];
    float[] f = rows[base];
    for (int j = 0; j < len; j++) {
      p[j] = x * f[j];
      q[j] = y * f[j];
    }
    int r = 1;
    for (; r + 3 < rank; r += 4) {
      float x0 = users[a + r];
      float x1 = users[a + r + 1];
      float x2 = users[a + r + 2];
      float x3 = users[a + r + 3];
      float y0 = users[b + r];
      float y1 = users[b + r + 1];
      float y2 = users[b + r + 2];
      float y3 = users[b + r + 3];
      float[] f0 = rows[base + r];
      float[] f1 = rows[base + r + 1];
      float[] f2 = rows[base + r + 2];
      float[] f3 = rows[base + r + 3];
      for (int j = 0; j < len; j++) {
        float v0 = f0[j];
        float v1 = f1[j];
        float v2 = f2[j];
        float v3 = f3[j];
        p[j] = p[j] + x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
        q[j] = q[j] + y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
      }
    }
    for (; r < rank; r++) {
      float xr = users[a + r];
      float yr = users[b + r];
      float[] fr = rows[base + r];
      for (int j = 0; j < len; j++) {
        p[j] = p[j] + xr * fr[j];
        q[j] = q[j] + yr * fr[j];
      }
    }
  }

  private void select(float[] scores, TopK top, int[] items, int c0, int len, int[] seen, int user) {
    float threshold = top.threshold();
    for (int j = 0; j < len; j++) {
      float s = scores[j];
      // Items arrive in ascending order, so '>' keeps ties right; the branch is rarely taken once the user's
      // threshold has risen, and then predicted well.
      if (s > threshold) {
        int item = items[c0 + j];
        if (seen != null) {
          int at = seenAt[user];
          while (at < seen.length && seen[at] < item) {
            at++;
          }
          seenAt[user] = at;
          if (at < seen.length && seen[at] == item) {
            continue;
          }
        }
        top.offer(item, s);
        threshold = top.threshold();
      }
    }
  }
}
