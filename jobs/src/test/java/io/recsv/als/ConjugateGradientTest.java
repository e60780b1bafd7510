package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conjugate-gradient kernel against the exact solve: the same problem (rows, weights, Gram matrix, MLlib's
 * regularization), solved to the exact solution in rank steps, descending at every step, and its four-rows-at-a-time
 * sums equal to a plain sum for every count of rows and odd ranks.
 */
class ConjugateGradientTest {

  private static BroadcastAls.Params params(int rank, boolean implicit) {
    return new BroadcastAls.Params(rank, 10, 0.1, 2.0, implicit, 42, 1, BroadcastAls.Solver.CG, 3, 5);
  }

  /** A problem: {@code n} rows, each a random factor of a catalogue of 50, ratings from -1 to 4. */
  private record Problem(float[] f, int[] index, float[] ratings, float[][] gram, double[][] triangle) {
    static Problem random(SplittableRandom random, int rank, int n) {
      float[] f = new float[50 * rank];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) random.nextGaussian() * 0.3f;
      }
      int[] index = new int[n];
      float[] ratings = new float[n];
      for (int i = 0; i < n; i++) {
        index[i] = random.nextInt(50);
        ratings[i] = random.nextInt(6) - 1;
      }
      double[][] triangle = BroadcastAls.gram(f, 50, rank);
      return new Problem(f, index, ratings, ConjugateGradient.full(triangle), triangle);
    }

    /** The exact solution, as the exact solver takes it (normal equation, Cholesky). */
    float[] exact(BroadcastAls.Params p, boolean withGram) {
      NormalEquation ne = new NormalEquation(p.rank());
      NormalEquation.Batch batch = new NormalEquation.Batch(p.rank());
      for (int r = 0; r < index.length; r++) {
        p.observe(ne.sums, f, index[r] * p.rank(), ratings[r], batch);
      }
      batch.flush(ne.sums);
      if (withGram) {
        ne.addGram(triangle);
      }
      float[] x = new float[p.rank()];
      ne.solve(p.regParam(), x, 0, "test", 0);
      return x;
    }

    /** The problem's quadratic, {@code x^T A x / 2 - b^T x}: what each step of conjugate gradient lowers. */
    double quadratic(BroadcastAls.Params p, boolean withGram, float[] x) {
      int k = p.rank();
      double value = 0;
      int counted = 0;
      for (int r = 0; r < index.length; r++) {
        double dot = 0;
        for (int i = 0; i < k; i++) {
          dot += (double) f[index[r] * k + i] * x[i];
        }
        value += p.weight(ratings[r]) * dot * dot / 2 - p.target(ratings[r]) * dot;
        counted += p.counted(ratings[r]) ? 1 : 0;
      }
      for (int i = 0; i < k; i++) {
        value += p.regParam() * counted * x[i] * x[i] / 2;
        for (int j = 0; withGram && j < k; j++) {
          value += gram[j][i] * x[i] * x[j] / 2;
        }
      }
      return value;
    }
  }

  @Test
  void descendsAtEveryStepAndReachesTheExactSolution() {
    SplittableRandom random = new SplittableRandom(3);
    for (boolean implicit : new boolean[] {true, false}) {
      for (int rank : new int[] {1, 3, 8, 16}) {
        BroadcastAls.Params p = params(rank, implicit);
        Problem problem = Problem.random(random, rank, 40);
        float[][] gram = implicit ? problem.gram() : null;
        float[] exact = problem.exact(p, implicit);
        float[] x = new float[rank];
        ConjugateGradient cg = new ConjugateGradient(rank);
        double previous = problem.quadratic(p, implicit, x);
        for (int step = 1; step <= rank; step++) {
          // One step at a time, each from where the last stopped (as each iteration starts from the one before).
          cg.improve(x, 0, problem.f(), problem.index(), problem.ratings(), 0, 40, gram, p, 1);
          double now = problem.quadratic(p, implicit, x);
          assertTrue(now <= previous + 1e-6 * Math.abs(previous), "implicit " + implicit + ", rank " + rank
              + ", step " + step + ": " + now + " after " + previous);
          previous = now;
        }
        // Restarted at every step, those were steepest descent; 2 x rank steps in one go then reach the solution.
        cg.improve(x, 0, problem.f(), problem.index(), problem.ratings(), 0, 40, gram, p, 2 * rank);
        for (int i = 0; i < rank; i++) {
          assertEquals(exact[i], x[i], 1e-3 * (1 + Math.abs(exact[i])), "implicit " + implicit + ", rank " + rank
              + ", element " + i);
        }
      }
    }
  }

  @Test
  void fromZeroRankStepsSolveAsTheExactSolverDoes() {
    SplittableRandom random = new SplittableRandom(11);
    for (int rank : new int[] {2, 7, 10}) {
      BroadcastAls.Params p = params(rank, true);
      Problem problem = Problem.random(random, rank, 25);
      float[] exact = problem.exact(p, true);
      float[] x = new float[rank];
      new ConjugateGradient(rank).improve(x, 0, problem.f(), problem.index(), problem.ratings(), 0, 25,
          problem.gram(), p, rank);
      for (int i = 0; i < rank; i++) {
        assertEquals(exact[i], x[i], 1e-3 * (1 + Math.abs(exact[i])), "rank " + rank + ", element " + i);
      }
    }
  }

  @Test
  void addsFourRowsAtATimeAsOneAtATime() {
    SplittableRandom random = new SplittableRandom(7);
    for (int rank : new int[] {1, 2, 5, 7, 64}) {
      for (int n = 0; n <= 9; n++) {
        for (boolean targets : new boolean[] {true, false}) {
          BroadcastAls.Params p = params(rank, true);
          Problem problem = Problem.random(random, rank, n + 3);
          float[] z = new float[2 * rank];
          for (int i = 0; i < z.length; i++) {
            z[i] = (float) random.nextGaussian();
          }
          // Rows 2 .. 2 + n of the problem, z at offset rank: the offsets the kernel is given are honoured.
          float[] out = new float[rank];
          int counted = ConjugateGradient.addRows(out, problem.f(), problem.index(), problem.ratings(), 2, 2 + n, z,
              rank, targets, p);
          double[] expected = new double[rank];
          int expectedCount = 0;
          for (int r = 2; r < 2 + n; r++) {
            int o = problem.index()[r] * rank;
            double dot = 0;
            for (int i = 0; i < rank; i++) {
              dot += (double) problem.f()[o + i] * z[rank + i];
            }
            float rating = problem.ratings()[r];
            double c = (targets ? p.target(rating) : 0) - p.weight(rating) * dot;
            for (int i = 0; i < rank; i++) {
              expected[i] += c * problem.f()[o + i];
            }
            expectedCount += rating > 0 ? 1 : 0;
          }
          assertEquals(expectedCount, counted, "rank " + rank + ", " + n + " rows");
          for (int i = 0; i < rank; i++) {
            assertEquals(expected[i], out[i], 1e-4 * (1 + Math.abs(expected[i])), "rank " + rank + ", " + n
                + " rows, targets " + targets + ", element " + i);
          }
        }
      }
    }
  }
}
