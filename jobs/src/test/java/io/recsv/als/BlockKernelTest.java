package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Property test: the blocked kernel + top-k against a brute-force sort, on random matrices. */
class BlockKernelTest {

  /** Brute force: every score as the kernel computes it (same float order), sorted (score desc, item asc). */
  private static int[] bruteForce(float[] user, float[] items, int n, int rank, int k, int[] seen) {
    float[] scores = new float[n];
    for (int j = 0; j < n; j++) {
      float s = user[0] * items[j * rank];
      for (int r = 1; r < rank; r++) {
        s += user[r] * items[j * rank + r];
      }
      scores[j] = s;
    }
    return IntStream.range(0, n).boxed()
        .filter(j -> seen == null || Arrays.binarySearch(seen, j) < 0)
        // Float comparison as the scorer does it: -0.0 and 0.0 are a tie, broken by item index.
        .sorted((a, b) -> scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : Integer.compare(a, b))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  @RepeatedTest(40)
  void matchesBruteForce(RepetitionInfo info) {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    int rank = 1 + random.nextInt(12);
    int n = 1 + random.nextInt(5000);
    int k = 1 + random.nextInt(150);
    int users = 1 + random.nextInt(40);
    boolean ties = random.nextBoolean();           // coarse values: many equal scores
    boolean excludeSeen = random.nextBoolean();
    int slices = 1 + random.nextInt(3);
    float[] items = new float[n * rank];
    for (int i = 0; i < items.length; i++) {
      items[i] = ties ? random.nextInt(3) - 1 : (float) random.nextGaussian();
    }
    float[] userFactors = new float[users * rank];
    for (int i = 0; i < userFactors.length; i++) {
      userFactors[i] = ties ? random.nextInt(3) : (float) random.nextGaussian();
    }
    int[][] seen = new int[users][];
    for (int u = 0; u < users; u++) {
      seen[u] = excludeSeen ? random.ints(random.nextInt(Math.min(n, 50) + 1), 0, n).distinct().sorted().toArray()
          : new int[0];
    }

    TopK[] tops = new TopK[users];
    for (int u = 0; u < users; u++) {
      tops[u] = new TopK(k);
    }
    BlockKernel kernel = new BlockKernel();
    int per = (n + slices - 1) / slices;
    for (int start = 0; start < n; start += per) {
      int end = Math.min(n, start + per);
      int[] ids = IntStream.range(start, end).toArray();
      float[] sliceFactors = Arrays.copyOfRange(items, start * rank, end * rank);
      kernel.score(userFactors, users, new ItemSlice(rank, ids, sliceFactors), tops, excludeSeen ? seen : null);
    }
    for (int u = 0; u < users; u++) {
      float[] user = Arrays.copyOfRange(userFactors, u * rank, (u + 1) * rank);
      int[] expected = bruteForce(user, items, n, rank, k, excludeSeen ? seen[u] : null);
      int[] outItems = new int[k];
      float[] outScores = new float[k];
      int got = tops[u].drainSorted(outItems, outScores);
      assertEquals(expected.length, got, "user " + u + ": exactly min(k, catalogue - seen) items");
      assertArrayEquals(expected, Arrays.copyOf(outItems, got), "user " + u + " rank " + rank + " n " + n);
    }
  }

  @Test
  void degenerateInputs() {
    // A single product, k above the catalogue, and a user whose factors are all zero (every score 0).
    TopK[] tops = {new TopK(5), new TopK(5)};
    float[] users = {0f, 0f, 1f, -2f};
    new BlockKernel().score(users, 2, new ItemSlice(2, new int[] {7}, new float[] {0.5f, 0.25f}), tops, null);
    int[] items = new int[5];
    float[] scores = new float[5];
    assertEquals(1, tops[0].drainSorted(items, scores));
    assertEquals(7, items[0]);
    assertEquals(0f, scores[0]);
    assertEquals(1, tops[1].drainSorted(items, scores));
    assertEquals(0f, scores[0]);  // 1 * 0.5 + -2 * 0.25

    // All-zero user over many items: all tie at 0, so the k lowest indices win.
    TopK top = new TopK(3);
    int n = 5000;
    float[] factors = new float[n * 2];
    for (int j = 0; j < factors.length; j++) {
      factors[j] = (float) Math.sin(j);
    }
    new BlockKernel().score(new float[] {0f, -0f}, 1, new ItemSlice(2, IntStream.range(0, n).toArray(), factors),
        new TopK[] {top}, null);
    assertEquals(3, top.drainSorted(items, scores));
    assertArrayEquals(new int[] {0, 1, 2}, Arrays.copyOf(items, 3));
  }

  @Test
  void topKBreaksTiesByItemWhateverTheArrivalOrder() {
    TopK top = new TopK(3);
    top.offer(9, 1f);
    top.offer(5, 2f);
    top.offer(7, 1f);
    top.offer(3, 1f);
    top.offer(8, 1f);
    int[] items = new int[3];
    float[] scores = new float[3];
    assertEquals(3, top.drainSorted(items, scores));
    assertArrayEquals(new int[] {5, 3, 7}, items);
    assertArrayEquals(new float[] {2f, 1f, 1f}, scores);
  }

  @Test
  void normalizationModes() {
    float[] s = {4f, 2f, 1f, -1f};
    Normalization.MAX.apply(s, 4);
    assertArrayEquals(new float[] {1f, 0.5f, 0.25f, 0f}, s);
    float[] m = {4f, 2f, 0f};
    Normalization.MIN_MAX.apply(m, 3);
    assertArrayEquals(new float[] {1f, 0.5f, 0f}, m);
    float[] flat = {3f, 3f};
    Normalization.MIN_MAX.apply(flat, 2);
    assertArrayEquals(new float[] {1f, 1f}, flat);
    float[] negative = {-1f, -2f};
    Normalization.MAX.apply(negative, 2);
    assertArrayEquals(new float[] {0f, 0f}, negative);
    float[] raw = {5f, -3f};
    Normalization.NONE.apply(raw, 2);
    assertArrayEquals(new float[] {5f, -3f}, raw);
  }
}
