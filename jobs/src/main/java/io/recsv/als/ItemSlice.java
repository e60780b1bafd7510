package io.recsv.als;

import java.io.Serializable;

/**
 * A contiguous range of items and their factors, laid out for the scoring kernel: cut into chunks of
 * {@link BlockKernel#chunk} items, each chunk holding one array per factor ({@code rows[c * rank + r][j]} is
 * factor r of the chunk's j-th item). A user's scores for a chunk are then multiply-adds over arrays that are
 * all indexed by the same j, the form the JIT vectorizes (with different offsets into possibly the same
 * array, it cannot prove the loads and stores independent and stays scalar: measured 15 vs 115 GFLOP/s).
 * Item indices ascend within a slice and from one slice to the next.
 */
final class ItemSlice implements Serializable {

  private static final long serialVersionUID = 2L;

  final int rank;
  final int size;
  final int chunk;
  final int[] items;
  final float[][] rows;

  ItemSlice(int rank, int[] items, float[] factorsByItem) {
    this.rank = rank;
    this.size = items.length;
    this.items = items;
    this.chunk = BlockKernel.chunk(rank);
    int chunks = (size + chunk - 1) / chunk;
    this.rows = new float[chunks * rank][];
    for (int c = 0; c < chunks; c++) {
      int start = c * chunk;
      int len = Math.min(chunk, size - start);
      for (int r = 0; r < rank; r++) {
        float[] row = new float[len];
        for (int j = 0; j < len; j++) {
          row[j] = factorsByItem[(start + j) * rank + r];
        }
        rows[c * rank + r] = row;
      }
    }
  }

  static long bytesPerItem(int rank) {
    return 4L * rank + 4L;
  }
}
