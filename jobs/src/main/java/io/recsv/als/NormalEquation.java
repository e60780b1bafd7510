package io.recsv.als;

import java.util.Arrays;

/**
 * One least-squares problem of ALS, {@code (A + lambda * I) x = b} with A symmetric positive semi-definite,
 * accumulated one observation at a time (a {@link Batch} into its {@link Sums}, in doubles: the sums run over up to
 * millions of observations) and solved by Cholesky, as LAPACK's dppsv (which MLlib's CholeskySolver calls).
 * Packed, as a partial sum is shuffled, an equation is A's upper triangle column by column
 * ({@code a[i + j * (j + 1) / 2]}, i &lt;= j), then b, then the count of observations.
 */
final class NormalEquation {

  final int rank;
  /** The equation; {@link #solve} factors A in place and then clears it. */
  final Sums sums;
  /** Scratch of the Cholesky: a row of the factor. */
  private final double[] row;

  NormalEquation(int rank) {
    this.rank = rank;
    this.sums = new Sums(rank);
    this.row = new double[rank];
  }

  /** Length of a packed equation for a rank: what one partial sum costs in a shuffle. */
  static int length(int rank) {
    return rank * (rank + 1) / 2 + rank + 1;
  }

  /**
   * The sums of one equation as a {@link Batch} adds to them: A's upper triangle as one array per column (column j
   * holds rows 0 to j), b, and the count of observations. The column and the factor are indexed by the same loop
   * variable, which is what lets the JIT vectorize the loop; a packed array at a moving offset is not vectorized
   * (measured alone, the same loop runs faster this way at every rank tried).
   */
  static final class Sums {
    private final double[][] columns;
    private final double[] b;
    private double count;

    Sums(int rank) {
      columns = zeroTriangle(rank);
      b = new double[rank];
    }

    void clear() {
      for (double[] column : columns) {
        Arrays.fill(column, 0);
      }
      Arrays.fill(b, 0);
      count = 0;
    }

    /** Adds a packed equation ({@link #packedFloats}: a partial sum from another block). */
    void add(float[] packed) {
      int i = 0;
      for (double[] column : columns) {
        for (int r = 0; r < column.length; r++) {
          column[r] += packed[i++];
        }
      }
      for (int j = 0; j < b.length; j++) {
        b[j] += packed[i++];
      }
      count += packed[i];
    }

    /** A's upper triangle by columns, these sums' own arrays: a Gram matrix once the batch is flushed. */
    double[][] triangle() {
      return columns;
    }

    /**
     * Packed ({@link NormalEquation}), rounded to floats: what a partial sum is shuffled as. Half the bytes of
     * doubles (at rank 64 the partial sums are most of an iteration's shuffle), and no less accurate than the float
     * factors solved from them: each partial sums one block's users in double, and the partials are summed in
     * double.
     */
    float[] packedFloats() {
      float[] out = new float[length(columns.length)];
      int i = 0;
      for (double[] column : columns) {
        for (double v : column) {
          out[i++] = (float) v;
        }
      }
      for (double v : b) {
        out[i++] = (float) v;
      }
      out[i] = (float) count;
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

  /** An upper triangle by columns of zeros ({@link Sums#triangle}'s shape). */
  static double[][] zeroTriangle(int rank) {
    double[][] columns = new double[rank][];
    for (int j = 0; j < rank; j++) {
      columns[j] = new double[j + 1];
    }
    return columns;
  }

  /**
   * A Gram matrix ({@link Sums#triangle}) as floats to shuffle with the partial sums: each double as the float
   * nearest it and the float nearest what that leaves, 48 of its 53 bits (the partial sums beside it keep 24).
   */
  static float[] packGram(double[][] gram) {
    int n = 0;
    for (double[] column : gram) {
      n += column.length;
    }
    float[] out = new float[2 * n];
    int i = 0;
    for (double[] column : gram) {
      for (double v : column) {
        float high = (float) v;
        out[i++] = high;
        out[i++] = (float) (v - high);
      }
    }
    return out;
  }

  /** Adds a {@link #packGram packed} Gram matrix to {@code into} (the same rank). */
  static void addPackedGram(double[][] into, float[] packed) {
    int i = 0;
    for (double[] column : into) {
      for (int r = 0; r < column.length; r++) {
        column[r] += (double) packed[i] + packed[i + 1];
        i += 2;
      }
    }
  }

  /** Adds a partial sum from a block ({@link Sums#packedFloats}). */
  void merge(float[] partial) {
    sums.add(partial);
  }

  /**
   * Adds a Gram matrix ({@link Sums#triangle}) to A: implicit ALS's {@code Y^T Y} term. Column by column, indexed
   * alike, so the JIT vectorizes it.
   */
  void addGram(double[][] gram) {
    double[][] columns = sums.columns;
    for (int j = 0; j < rank; j++) {
      double[] column = columns[j];
      double[] g = gram[j];
      for (int r = 0; r <= j; r++) {
        column[r] += g[r];
      }
    }
  }

  /**
   * Solves {@code (A + regParam * count * I) x = b} into {@code out[offset ..]} and clears the equation. A
   * problem that is not positive definite (a user of only zero-confidence rows without regularization) fails
   * naming its kind and index.
   */
  void solve(double regParam, float[] out, int offset, String kind, int index) {
    double[][] a = sums.columns;
    double lambda = regParam * sums.count;
    for (int j = 0; j < rank; j++) {
      a[j][j] += lambda;
    }
    if (!cholesky(a, row)) {
      throw new ArithmeticException("ALS: the normal equation of " + kind + " " + index
          + " is not positive definite; raise train.reg-param");
    }
    solveFactored(a, sums.b);
    for (int i = 0; i < rank; i++) {
      out[offset + i] = (float) sums.b[i];
    }
    sums.clear();
  }

  /**
   * In place, A = U^T U (LAPACK's dpptrf with uplo U) for A's upper triangle by columns ({@code a[j]} holds rows 0
   * to j of column j); {@code row} is scratch of length k. Right-looking: once row i of U is known, it is
   * subtracted from the columns to its right, each an update of a column by a copy of the row indexed alike,
   * which the JIT vectorizes (the usual left-looking form is a dot product per element, which it cannot). The
   * subtractions from each element run in the same order as in LAPACK's. False when A is not positive definite.
   */
  static boolean cholesky(double[][] a, double[] row) {
    int k = a.length;
    for (int i = 0; i < k; i++) {
      double d = a[i][i];
      if (!(d > 0)) {
        return false;
      }
      double pivot = Math.sqrt(d);
      a[i][i] = pivot;
      for (int j = i + 1; j < k; j++) {
        a[j][i] /= pivot;
        row[j] = a[j][i];
      }
      for (int j = i + 1; j < k; j++) {
        double[] column = a[j];
        double uij = row[j];
        for (int p = i + 1; p <= j; p++) {
          column[p] -= row[p] * uij;
        }
      }
    }
    return true;
  }

  /** x from U^T U x = b, into b (LAPACK's dpptrs), U by columns as {@link #cholesky} leaves it. */
  static void solveFactored(double[][] u, double[] b) {
    int k = u.length;
    for (int i = 0; i < k; i++) {
      double[] column = u[i];
      double s = b[i];
      for (int p = 0; p < i; p++) {
        s -= column[p] * b[p];
      }
      b[i] = s / column[i];
    }
    for (int j = k - 1; j >= 0; j--) {
      double[] column = u[j];
      b[j] /= column[j];
      double x = b[j];
      for (int i = 0; i < j; i++) {
        b[i] -= column[i] * x;
      }
    }
  }
}
