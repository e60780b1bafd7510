package io.recsv.als;

import java.util.Arrays;

/**
 * One least-squares problem of ALS, {@code (A + lambda * I) x = b} with A symmetric positive semi-definite,
 * accumulated one observation at a time and solved by Cholesky (as LAPACK's dppsv, which MLlib's CholeskySolver
 * calls).
 * A is kept packed (upper triangle, column by column: {@code a[i + j * (j + 1) / 2]}, i &lt;= j), in doubles: the
 * sums run over up to millions of observations.
 */
final class NormalEquation {

  final int rank;
  /** A, packed; then b, then the count of observations that regularization scales with. */
  final double[] values;
  private final int triangle;
  private final double[] a;
  private final double[] b;

  NormalEquation(int rank) {
    this.rank = rank;
    this.triangle = rank * (rank + 1) / 2;
    this.values = new double[triangle + rank + 1];
    this.a = new double[triangle];
    this.b = new double[rank];
  }

  /** Length of {@link #values} for a rank: what one partial sum costs in a shuffle. */
  static int length(int rank) {
    return rank * (rank + 1) / 2 + rank + 1;
  }

  void clear() {
    Arrays.fill(values, 0);
  }

  /** Adds sums accumulated by a {@link Batch} (then flushed) and clears them. */
  void add(Sums sums) {
    sums.addTo(values, 0);
    sums.clear();
  }

  /**
   * The sums of one equation as a {@link Batch} adds to them: A's upper triangle as one array per column (column j
   * holds rows 0 to j), b, and the count of observations. The column and the factor are indexed by the same loop
   * variable, which is what lets the JIT vectorize the loop; a packed array at a moving offset is not vectorized
   * (measured alone, the same loop runs 2.6x faster this way at rank 64, 1.8x at rank 16).
   */
  static final class Sums {
    private final double[][] columns;
    private final double[] b;
    private double count;

    Sums(int rank) {
      columns = new double[rank][];
      for (int j = 0; j < rank; j++) {
        columns[j] = new double[j + 1];
      }
      b = new double[rank];
    }

    void clear() {
      for (double[] column : columns) {
        Arrays.fill(column, 0);
      }
      Arrays.fill(b, 0);
      count = 0;
    }

    /** Adds these sums to packed ones in the layout of {@link NormalEquation#values}, at {@code at}. */
    void addTo(double[] values, int at) {
      int k = columns.length;
      int i = at;
      for (double[] column : columns) {
        for (double v : column) {
          values[i++] += v;
        }
      }
      for (int j = 0; j < k; j++) {
        values[i++] += b[j];
      }
      values[i] += count;
    }

    /** In the layout of {@link NormalEquation#values}: what a partial sum is shuffled as. */
    double[] packed() {
      double[] out = new double[length(columns.length)];
      addTo(out, 0);
      return out;
    }
  }

  /**
   * Observations for one equation, added four at a time: each element of A is then loaded and stored once per
   * four rank-1 terms rather than once per term (the loop is bound by memory operations, not arithmetic), which
   * halves the time of the half-steps. Call {@link #flush} before the sums are read.
   */
  static final class Batch {
    private final int k;
    private final double[][] xs;
    private final double[] cs = new double[4];
    private int n;

    Batch(int rank) {
      this.k = rank;
      this.xs = new double[4][rank];
    }

    /**
     * Adds {@code c * f f^T} to A and {@code y * f} to b for the factor at {@code f[offset .. offset + rank)}; counts
     * it for regularization when {@code counted} (MLlib scales lambda by the observations with a positive rating).
     */
    void add(Sums s, float[] f, int offset, double c, double y, boolean counted) {
      double[] x = xs[n];
      for (int i = 0; i < k; i++) {
        x[i] = f[offset + i];
      }
      if (y != 0) {
        for (int i = 0; i < k; i++) {
          s.b[i] += y * x[i];
        }
      }
      if (counted) {
        s.count += 1;
      }
      cs[n++] = c;
      if (n == 4) {
        flush(s);
      }
    }

    void flush(Sums s) {
      double[][] columns = s.columns;
      if (n == 4) {
        double[] x0 = xs[0];
        double[] x1 = xs[1];
        double[] x2 = xs[2];
        double[] x3 = xs[3];
        for (int j = 0; j < k; j++) {
          double a0 = cs[0] * x0[j];
          double a1 = cs[1] * x1[j];
          double a2 = cs[2] * x2[j];
          double a3 = cs[3] * x3[j];
          double[] column = columns[j];
          for (int i = 0; i <= j; i++) {
            column[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
          }
        }
      } else {
        for (int r = 0; r < n; r++) {
          double[] x = xs[r];
          for (int j = 0; j < k; j++) {
            double a = cs[r] * x[j];
            double[] column = columns[j];
            for (int i = 0; i <= j; i++) {
              column[i] += a * x[i];
            }
          }
        }
      }
      n = 0;
    }
  }

  /** Adds another equation's sums (a partial from another block) or a packed matrix of length triangle. */
  void merge(double[] other) {
    for (int i = 0; i < other.length; i++) {
      values[i] += other[i];
    }
  }

  /** Adds the packed Gram matrix {@code gram} (length triangle) to A: implicit ALS's {@code Y^T Y} term. */
  void addGram(double[] gram) {
    for (int i = 0; i < triangle; i++) {
      values[i] += gram[i];
    }
  }

  /**
   * Solves {@code (A + regParam * count * I) x = b} into {@code out[offset ..]} and clears the equation. A
   * problem that is not positive definite (a user of only zero-confidence rows without regularization) fails
   * naming its kind and index.
   */
  void solve(double regParam, float[] out, int offset, String kind, int index) {
    int k = rank;
    double lambda = regParam * values[triangle + k];
    System.arraycopy(values, 0, a, 0, triangle);
    System.arraycopy(values, triangle, b, 0, k);
    for (int j = 0, diag = 0; j < k; j++, diag += j + 1) {
      a[diag] += lambda;
    }
    if (!cholesky(a, k)) {
      throw new ArithmeticException("ALS: the normal equation of " + kind + " " + index
          + " is not positive definite; raise train.reg-param");
    }
    solveFactored(a, k, b);
    for (int i = 0; i < k; i++) {
      out[offset + i] = (float) b[i];
    }
    clear();
  }

  /**
   * In place, packed A = U^T U (LAPACK's dpptrf with uplo U): both sums of each step run down two columns of the
   * packed triangle, contiguous in memory. Measured 1.2x (rank 64) to 1.4x (rank 16) faster than the F2J
   * translation of dppsv that Spark bundles (the native one is not on a cluster's classpath by default). False
   * when A is not positive definite.
   */
  static boolean cholesky(double[] a, int k) {
    for (int j = 0, cj = 0; j < k; cj += ++j) {
      for (int i = 0, ci = 0; i < j; ci += ++i) {
        double s = a[cj + i];
        for (int p = 0; p < i; p++) {
          s -= a[ci + p] * a[cj + p];
        }
        a[cj + i] = s / a[ci + i];
      }
      double d = a[cj + j];
      for (int p = 0; p < j; p++) {
        d -= a[cj + p] * a[cj + p];
      }
      if (!(d > 0)) {
        return false;
      }
      a[cj + j] = Math.sqrt(d);
    }
    return true;
  }

  /** x from U^T U x = b, into b (LAPACK's dpptrs): forward along columns, then backward along columns. */
  static void solveFactored(double[] a, int k, double[] b) {
    for (int i = 0, ci = 0; i < k; ci += ++i) {
      double s = b[i];
      for (int p = 0; p < i; p++) {
        s -= a[ci + p] * b[p];
      }
      b[i] = s / a[ci + i];
    }
    int cj = k * (k - 1) / 2;
    for (int j = k - 1; j >= 0; j--) {
      b[j] /= a[cj + j];
      double x = b[j];
      for (int i = 0; i < j; i++) {
        b[i] -= a[cj + i] * x;
      }
      cj -= j;
    }
  }
}
