package io.recsv.prepare;

/**
 * Sorts parallel arrays of interactions by (user, product) in place: an introsort (quicksort with a median of
 * three, insertion sort for short ranges, heapsort where the quicksort goes too deep, so never quadratic). The
 * JDK sorts one array at a time; sorting an index permutation instead would chase pointers on every comparison.
 * Not stable: equal pairs are combined afterwards, so their order does not matter.
 */
final class PairSort {

  private static final int INSERTION = 24;

  private final long[] users;
  private final long[] products;
  private final double[] weights;
  private final long[] times;

  private PairSort(long[] users, long[] products, double[] weights, long[] times) {
    this.users = users;
    this.products = products;
    this.weights = weights;
    this.times = times;
  }

  /** Sorts {@code [from, to)} of the arrays by (user, product); {@code times} may be null. */
  static void sort(long[] users, long[] products, double[] weights, long[] times, int from, int to) {
    int depth = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from)));
    new PairSort(users, products, weights, times).introsort(from, to, depth);
  }

  static int compare(long userA, long productA, long userB, long productB) {
    int byUser = Long.compare(userA, userB);
    return byUser != 0 ? byUser : Long.compare(productA, productB);
  }

  private int compare(int a, int b) {
    return compare(users[a], products[a], users[b], products[b]);
  }

  private void introsort(int from, int to, int depth) {
    while (to - from > INSERTION) {
      if (depth-- == 0) {
        heapsort(from, to);
        return;
      }
      int mid = (from + to) >>> 1;
      // Median of three to the front, as the pivot.
      if (compare(mid, from) < 0) {
        swap(mid, from);
      }
      if (compare(to - 1, from) < 0) {
        swap(to - 1, from);
      }
      if (compare(to - 1, mid) < 0) {
        swap(to - 1, mid);
      }
      swap(from, mid);
      long pivotUser = users[from];
      long pivotProduct = products[from];
      // Hoare partition around the pivot at from: equal keys go to both sides, so runs of one user stay balanced.
      int i = from;
      int j = to;
      while (true) {
        do {
          i++;
        } while (i < to && compare(users[i], products[i], pivotUser, pivotProduct) < 0);
        do {
          j--;
        } while (compare(users[j], products[j], pivotUser, pivotProduct) > 0);
        if (i >= j) {
          break;
        }
        swap(i, j);
      }
      swap(from, j);
      // Recurse into the smaller side, loop on the larger: the stack stays logarithmic.
      if (j - from < to - j - 1) {
        introsort(from, j, depth);
        from = j + 1;
      } else {
        introsort(j + 1, to, depth);
        to = j;
      }
    }
    insertion(from, to);
  }

  private void insertion(int from, int to) {
    for (int i = from + 1; i < to; i++) {
      for (int j = i; j > from && compare(j, j - 1) < 0; j--) {
        swap(j, j - 1);
      }
    }
  }

  private void heapsort(int from, int to) {
    int n = to - from;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(from, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(from, from + end);
      siftDown(from, 0, end);
    }
  }

  private void siftDown(int base, int node, int n) {
    while (true) {
      int child = 2 * node + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && compare(base + child + 1, base + child) > 0) {
        child++;
      }
      if (compare(base + node, base + child) >= 0) {
        return;
      }
      swap(base + node, base + child);
      node = child;
    }
  }

  private void swap(int a, int b) {
    long u = users[a];
    users[a] = users[b];
    users[b] = u;
    long p = products[a];
    products[a] = products[b];
    products[b] = p;
    double w = weights[a];
    weights[a] = weights[b];
    weights[b] = w;
    if (times != null) {
      long t = times[a];
      times[a] = times[b];
      times[b] = t;
    }
  }
}
