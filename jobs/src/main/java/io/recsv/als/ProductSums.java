package io.recsv.als;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * One block's partial sums, keyed product x blocks + block, a range of products at a time (at most 64 MiB of
 * sums in memory), each range read chunk by chunk of users so that the chunk's factors stay in the CPU cache.
 */
final class ProductSums implements Iterator<Tuple2<Long, float[]>> {
  private static final long RANGE_BYTES = 64L << 20;
  private final UserBlock b;
  private final float[] x;
  private final BroadcastAls.Params p;
  private final int perRange;
  private final NormalEquation.Sums[] sums;
  private final NormalEquation.Batch batch;
  private final int[] cursor;
  private int rangeStart;
  private int rangeEnd;
  private int next;

  ProductSums(UserBlock b, float[] x, BroadcastAls.Params p) {
    this.b = b;
    this.x = x;
    this.p = p;
    this.perRange = (int) Math.max(1, Math.min(b.products.length,
        RANGE_BYTES / (8L * NormalEquation.length(p.rank()))));
    this.sums = new NormalEquation.Sums[perRange];
    for (int i = 0; i < perRange; i++) {
      sums[i] = new NormalEquation.Sums(p.rank());
    }
    this.batch = new NormalEquation.Batch(p.rank());
    this.cursor = Arrays.copyOf(b.chunkSegment, b.chunkSegment.length - 1);
  }

  @Override
  public boolean hasNext() {
    return next < b.products.length;
  }

  @Override
  public Tuple2<Long, float[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (next == rangeEnd) {
      sumRange();
    }
    int at = next++;
    return new Tuple2<>((long) b.products[at] * p.blocks() + b.index, sums[at - rangeStart].packedFloats());
  }

  private void sumRange() {
    rangeStart = rangeEnd;
    rangeEnd = Math.min(b.products.length, rangeStart + perRange);
    for (int i = 0; i < rangeEnd - rangeStart; i++) {
      sums[i].clear();
    }
    int rank = p.rank();
    for (int c = 0; c < cursor.length; c++) {
      int s = cursor[c];
      for (; s < b.chunkSegment[c + 1] && b.segmentProduct[s] < rangeEnd; s++) {
        NormalEquation.Sums product = sums[b.segmentProduct[s] - rangeStart];
        for (int r = b.segmentStart[s]; r < b.segmentStart[s + 1]; r++) {
          p.observe(product, x, b.userPosOfRow[r] * rank, b.ratingByProduct[r], batch);
        }
        batch.flush(product);
      }
      cursor[c] = s;
    }
  }
}
