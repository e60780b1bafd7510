package io.recsv.als;

import java.util.Arrays;

/**
 * {@code train.solver = cg}: a few steps of conjugate gradient on ALS's least-squares problems, each started from
 * the factor of the iteration before (Takács, Pilászy and Tikk 2011; the {@code implicit} library's solver), instead
 * of forming the k x k normal equation and factoring it. One problem, for a user or a product:
 * {@code A = G + sum over its rows of w f f^T + lambda n I} and {@code b = sum over its rows of t f}, with f the
 * other side's factor of a row, w and t the row's weight and target ({@link BroadcastAls.Params}), G the other
 * side's Gram matrix (implicit) or zero (explicit) and n the count of counted rows (MLlib's regularization). A
 * step costs a product with A, {@code k^2 + 2 k n} multiply-adds, where the exact solve costs
 * {@code n k^2 / 2 + k^3 / 6}: at rank 64 and 30 rows about 8k against 105k.
 */
final class ConjugateGradient {

  /** Below this squared residual a problem is solved: a further step would divide by about zero. */
  static final double SOLVED = 1e-20;

  private final int k;
  private final float[] r;
  private final float[] p;
  private final float[] sum;

  ConjugateGradient(int rank) {
    this.k = rank;
    this.r = new float[rank];
    this.p = new float[rank];
    this.sum = new float[rank];
  }

  /**
   * Improves one factor in place, {@code x[offset .. offset + k)}, by {@code steps} steps. Its rows are
   * {@code from .. to} of {@code index} (the other side's factor of a row is {@code f[index[row] * k ..]}) and
   * {@code ratings}; {@code gram} is G in full ({@link #full}) or null.
   */
  void improve(float[] x, int offset, float[] f, int[] index, float[] ratings, int from, int to, float[][] gram,
      BroadcastAls.Params params, int steps) {
    Arrays.fill(sum, 0);
    int counted = addRows(sum, f, index, ratings, from, to, x, offset, true, params);
    float lambda = (float) (params.regParam() * counted);
    subtractRest(sum, gram, lambda, x, offset);
    double rs = 0;
    for (int i = 0; i < k; i++) {
      r[i] = sum[i];
      p[i] = r[i];
      rs += (double) r[i] * r[i];
    }
    for (int s = 0; s < steps && rs > SOLVED; s++) {
      Arrays.fill(sum, 0);
      addRows(sum, f, index, ratings, from, to, p, 0, false, params);
      subtractRest(sum, gram, lambda, p, 0);
      rs = update(x, offset, r, p, 0, sum, rs);
    }
  }

  /**
   * The rows' part of {@code b - A z} (z at {@code z[zo .. zo + k)}): adds {@code sum of ((targets ? t : 0) - w f.z)
   * f} into {@code out}; returns the count of counted rows. The rest of {@code b - A z} is {@link #subtractRest}'s.
   * For a product the rows are in many blocks: each block adds its own and the sums meet by product.
   *
   * <p>Four rows at a time, in floats: their dot products with z in eight running sums (the JIT does not vectorize
   * a dot product; independent sums at least keep both multiply-add units busy, each element of z loaded once for
   * four rows), then the four weighted factors added in one vectorized loop, each element of {@code out} loaded and
   * stored once for four rows. Measured alone at rank 64 and 30 rows: 0.83 us a pass, against 1.3 us for a dot
   * product and an addition a row at a time, and 1.5 us with the dot products as vectorized loops over a transposed
   * copy of the rows (their loops, 30 long, are too short for the vector units).
   */
  static int addRows(float[] out, float[] f, int[] index, float[] ratings, int from, int to, float[] z, int zo,
      boolean targets, BroadcastAls.Params params) {
    int k = out.length;
    int row = from;
    for (; row + 3 < to; row += 4) {
      int o0 = index[row] * k;
      int o1 = index[row + 1] * k;
      int o2 = index[row + 2] * k;
      int o3 = index[row + 3] * k;
      float a0 = 0;
      float a1 = 0;
      float a2 = 0;
      float a3 = 0;
      float b0 = 0;
      float b1 = 0;
      float b2 = 0;
      float b3 = 0;
      int j = 0;
      for (; j + 1 < k; j += 2) {
        float z0 = z[zo + j];
        float z1 = z[zo + j + 1];
        a0 = Math.fma(f[o0 + j], z0, a0);
        a1 = Math.fma(f[o1 + j], z0, a1);
        a2 = Math.fma(f[o2 + j], z0, a2);
        a3 = Math.fma(f[o3 + j], z0, a3);
        b0 = Math.fma(f[o0 + j + 1], z1, b0);
        b1 = Math.fma(f[o1 + j + 1], z1, b1);
        b2 = Math.fma(f[o2 + j + 1], z1, b2);
        b3 = Math.fma(f[o3 + j + 1], z1, b3);
      }
      if (j < k) {
        float z0 = z[zo + j];
        a0 = Math.fma(f[o0 + j], z0, a0);
        a1 = Math.fma(f[o1 + j], z0, a1);
        a2 = Math.fma(f[o2 + j], z0, a2);
        a3 = Math.fma(f[o3 + j], z0, a3);
      }
      float c0 = coefficient(ratings[row], a0 + b0, targets, params);
      float c1 = coefficient(ratings[row + 1], a1 + b1, targets, params);
      float c2 = coefficient(ratings[row + 2], a2 + b2, targets, params);
      float c3 = coefficient(ratings[row + 3], a3 + b3, targets, params);
      for (j = 0; j < k; j++) {
        out[j] += c0 * f[o0 + j] + c1 * f[o1 + j] + c2 * f[o2 + j] + c3 * f[o3 + j];
      }
    }
    for (; row < to; row++) {
      int o = index[row] * k;
      float dot = 0;
      for (int j = 0; j < k; j++) {
        dot = Math.fma(f[o + j], z[zo + j], dot);
      }
      float c = coefficient(ratings[row], dot, targets, params);
      for (int j = 0; j < k; j++) {
        out[j] += c * f[o + j];
      }
    }
    int counted = 0;
    for (row = from; row < to; row++) {
      counted += params.counted(ratings[row]) ? 1 : 0;
    }
    return counted;
  }

  /** A row's factor's coefficient in {@code b - A z}: {@code (targets ? t : 0) - w f.z}. */
  private static float coefficient(float rating, float dot, boolean targets, BroadcastAls.Params params) {
    return (targets ? (float) params.target(rating) : 0) - (float) params.weight(rating) * dot;
  }

  /**
   * {@code out -= G z + lambda z}: the part of {@code A z} that is not the rows'. G's columns four at a time, each
   * element of {@code out} loaded and stored once for four, not once for each.
   */
  static void subtractRest(float[] out, float[][] gram, float lambda, float[] z, int zo) {
    int k = out.length;
    for (int i = 0; i < k; i++) {
      out[i] -= lambda * z[zo + i];
    }
    if (gram == null) {
      return;
    }
    int j = 0;
    for (; j + 3 < k; j += 4) {
      float[] g0 = gram[j];
      float[] g1 = gram[j + 1];
      float[] g2 = gram[j + 2];
      float[] g3 = gram[j + 3];
      float z0 = z[zo + j];
      float z1 = z[zo + j + 1];
      float z2 = z[zo + j + 2];
      float z3 = z[zo + j + 3];
      for (int i = 0; i < k; i++) {
        out[i] -= g0[i] * z0 + g1[i] * z1 + g2[i] * z2 + g3[i] * z3;
      }
    }
    for (; j < k; j++) {
      float[] g = gram[j];
      float zj = z[zo + j];
      for (int i = 0; i < k; i++) {
        out[i] -= g[i] * zj;
      }
    }
  }

  /**
   * One step, from {@code -A p} (what {@link #addRows} and {@link #subtractRest} give for z = p without targets):
   * x moves along p (x at {@code xo}, r and p at {@code o}, each k long), r becomes the new residual and p turns
   * conjugate to the directions before it. Returns the new squared residual, {@code rs} being the old one.
   */
  static double update(float[] x, int xo, float[] r, float[] p, int o, float[] minusAp, double rs) {
    int k = minusAp.length;
    double pAp = 0;
    for (int i = 0; i < k; i++) {
      pAp -= (double) p[o + i] * minusAp[i];
    }
    if (!(pAp > 0)) {
      return 0;  // p is zero or A is not positive definite along it: no step descends
    }
    double alpha = rs / pAp;
    double next = 0;
    for (int i = 0; i < k; i++) {
      x[xo + i] += (float) (alpha * p[o + i]);
      r[o + i] += (float) (alpha * minusAp[i]);
      next += (double) r[o + i] * r[o + i];
    }
    float beta = (float) (next / rs);
    for (int i = 0; i < k; i++) {
      p[o + i] = r[o + i] + beta * p[o + i];
    }
    return next;
  }

  /** A symmetric matrix in full, column by column, from its upper triangle by columns ({@link NormalEquation}). */
  static float[][] full(double[][] triangle) {
    int k = triangle.length;
    float[][] full = new float[k][k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i <= j; i++) {
        full[j][i] = (float) triangle[j][i];
        full[i][j] = (float) triangle[j][i];
      }
    }
    return full;
  }

}
