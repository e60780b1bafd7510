package io.recsv.prepare;

import java.util.Arrays;

/**
 * Up to {@link #CAPACITY} parsed rows of one split as primitive arrays: how a split's rows reach the task that
 * buckets them when one task takes several splits in turn ({@link CsvInput#chunks}), with no object per row.
 */
final class ParsedRows {

  /** Rows a batch holds at most: 64 Ki rows are 1.5 MiB of arrays (2 with times). */
  static final int CAPACITY = 1 << 16;

  private long[] users = new long[1024];
  private long[] products = new long[1024];
  private double[] weights = new double[1024];
  private long[] times;
  private int size;

  ParsedRows(boolean hasTime) {
    this.times = hasTime ? new long[1024] : null;
  }

  boolean full() {
    return size == CAPACITY;
  }

  void add(CsvLineParser parsed) {
    if (size == users.length) {  // a small file's batch stays small
      int grown = Math.min(CAPACITY, 2 * size);
      users = Arrays.copyOf(users, grown);
      products = Arrays.copyOf(products, grown);
      weights = Arrays.copyOf(weights, grown);
      times = times == null ? null : Arrays.copyOf(times, grown);
    }
    users[size] = parsed.user;
    products[size] = parsed.product;
    weights[size] = parsed.weight;
    if (times != null) {
      times[size] = parsed.time;
    }
    size++;
  }

  void addTo(UserBuckets buckets) {
    for (int i = 0; i < size; i++) {
      buckets.add(users[i], products[i], weights[i], times == null ? 0 : times[i]);
    }
  }
}
