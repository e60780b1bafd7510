package io.recsv.score;

/**
 * The best k (item, score) pairs seen so far, with primitive arrays and no boxing. "Better" is the higher
 * score, and for equal scores the lower item index (= lower product id, see DenseIndex). A binary min-heap
 * keeps the worst kept pair at the root, so when items arrive in ascending index order, as the scorer feeds
 * them, a candidate is worth offering only if {@code score > threshold()}: one comparison rejects most.
 */
final class TopK {

  private final int k;
  private final int[] items;
  private final float[] scores;
  private int size;

  TopK(int k) {
    this.k = k;
    this.items = new int[k];
    this.scores = new float[k];
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  /** Scores at or below this cannot enter (given ascending item order); -infinity until k pairs are kept. */
  float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** Offers a pair in any order; ties are broken by item index whatever the arrival order. */
  void offer(int item, float score) {
    if (size < k) {
      items[size] = item;
      scores[size] = score;
      siftUp(size++);
    } else if (better(score, item, scores[0], items[0])) {
      items[0] = item;
      scores[0] = score;
      siftDown(0);
    }
  }

  /**
   * Empties the heap into {@code outItems}/{@code outScores}, best first, and returns how many there were.
   */
  int drainSorted(int[] outItems, float[] outScores) {
    int n = size;
    for (int i = n - 1; i >= 0; i--) {
      outItems[i] = items[0];
      outScores[i] = scores[0];
      size--;
      if (size > 0) {
        items[0] = items[size];
        scores[0] = scores[size];
        siftDown(0);
      }
    }
    return n;
  }

  private static boolean better(float s1, int i1, float s2, int i2) {
    return s1 > s2 || (s1 == s2 && i1 < i2);
  }

  private void siftUp(int at) {
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!better(scores[parent], items[parent], scores[at], items[at])) {
        return;
      }
      swap(at, parent);
      at = parent;
    }
  }

  private void siftDown(int at) {
    while (true) {
      int left = 2 * at + 1;
      if (left >= size) {
        return;
      }
      int worst = left;
      int right = left + 1;
      if (right < size && better(scores[left], items[left], scores[right], items[right])) {
        worst = right;
      }
      if (!better(scores[at], items[at], scores[worst], items[worst])) {
        return;
      }
      swap(at, worst);
      at = worst;
    }
  }

  private void swap(int a, int b) {
    int ti = items[a];
    items[a] = items[b];
    items[b] = ti;
    float ts = scores[a];
    scores[a] = scores[b];
    scores[b] = ts;
  }
}
