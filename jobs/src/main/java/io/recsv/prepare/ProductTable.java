package io.recsv.prepare;

import java.util.Arrays;

/**
 * A block's distinct product ids and how many of its pairs have each: an open-addressing hash table built in one
 * pass over the pairs (sorting a copy of them cost more than the rest of counting), then a slot per pair in
 * constant time when the pairs are written with their product indices.
 */
final class ProductTable {

  private long[] ids = new long[1024];
  private int[] pairs = new int[1024];
  private boolean[] used = new boolean[1024];
  private int shift = 64 - 10;
  private int size;

  /** The table of these products, each occurrence a pair. */
  ProductTable(long[] products) {
    for (long p : products) {
      int slot = slot(p);
      if (!used[slot]) {
        if (size + 1 > ids.length / 2) {  // load at most 1/2
          grow();
          slot = slot(p);
        }
        used[slot] = true;
        ids[slot] = p;
        size++;
      }
      pairs[slot]++;
    }
  }

  /** The slot of {@code id}: where it is, or the free slot where it would go. */
  int slot(long id) {
    int mask = ids.length - 1;
    // Fibonacci hashing: the top bits of the product with 2^64 / golden ratio, good for sequential ids too.
    int slot = (int) ((id * 0x9E3779B97F4A7C15L) >>> shift);
    while (used[slot] && ids[slot] != id) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldIds = ids;
    int[] oldPairs = pairs;
    boolean[] oldUsed = used;
    ids = new long[oldIds.length * 2];
    pairs = new int[ids.length];
    used = new boolean[ids.length];
    shift--;
    for (int s = 0; s < oldIds.length; s++) {
      if (oldUsed[s]) {
        int slot = slot(oldIds[s]);
        used[slot] = true;
        ids[slot] = oldIds[s];
        pairs[slot] = oldPairs[s];
      }
    }
  }

  int capacity() {
    return ids.length;
  }

  int size() {
    return size;
  }

  boolean used(int slot) {
    return used[slot];
  }

  long id(int slot) {
    return ids[slot];
  }

  int pairs(int slot) {
    return pairs[slot];
  }

  /** Per slot, the index of its product among {@code productIds} (ascending), -1 where a product is missing. */
  int[] indices(long[] productIds) {
    int[] index = new int[ids.length];
    Arrays.fill(index, -1);
    for (int slot = 0; slot < ids.length; slot++) {
      if (used[slot]) {
        index[slot] = Math.max(-1, Arrays.binarySearch(productIds, ids[slot]));
      }
    }
    return index;
  }
}
