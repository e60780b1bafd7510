package io.recsv.score;

import java.io.Serializable;

/**
 * A contiguous range of items and their factors, laid out for the scoring kernel: transposed
 * ({@code factors[r * size + j]} is factor r of the slice's j-th item), so that a user's scores for a run of
 * items are {@code rank} passes of a multiply-add over consecutive floats, which the JIT vectorizes.
 * Item indices ascend within a slice and from one slice to the next.
 */
final class ItemSlice implements Serializable {

  private static final long serialVersionUID = 1L;

  final int rank;
  final int size;
  final int[] items;
  final float[] factors;

  ItemSlice(int rank, int[] items, float[] factorsByItem) {
    this.rank = rank;
    this.size = items.length;
    this.items = items;
    this.factors = new float[rank * size];
    for (int j = 0; j < size; j++) {
      for (int r = 0; r < rank; r++) {
        factors[r * size + j] = factorsByItem[j * rank + r];
      }
    }
  }

  static long bytesPerItem(int rank) {
    return 4L * rank + 4L;
  }
}
