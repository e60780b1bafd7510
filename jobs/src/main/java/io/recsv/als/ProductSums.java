package io.recsv.als;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * One block's partial sums, keyed product x blocks + block, a range of products at a time (at most 64 MiB of
 * sums in memory), each range read chunk by chunk of users so that the chunk's factors stay in the CPU cache.
 */
final class ProductSums implements Iterator<Tuple2<Long, double[]>> {
  private static final long RANGE_BYTES = 64L << 20;
  private final UserBlock b;
  private final float[] x;
  private final BroadcastAls.Params p;
  private final int len;
  private final int perRange;
  private final double[] sums;
  private final NormalEquation.Batch batch;
  private final int[] cursor;
  private int rangeStart;
  private int rangeEnd;
  private int next;

  ProductSums(UserBlock b, float[] x, BroadcastAls.Params p) {
    this.b = b;
    this.x = x;
    this.p = p;
    this.len = NormalEquation.length(p.rank());
    this.perRange = (int) Math.max(1, Math.min(b.products.length, RANGE_BYTES / (8L * len)));
    this.sums = new double[perRange * len];
    this.batch = new NormalEquation.Batch(p.rank());
    this.cursor = Arrays.copyOf(b.chunkSegment, b.chunkSegment.length - 1);
  }

  @Override
  public boolean hasNext() {
    return next < b.products.length;
  }

  @Override
  public Tuple2<Long, double[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (next == rangeEnd) {
      sumRange();
    }
    int at = next++;
    int from = (at - rangeStart) * len;
    return new Tuple2<>((long) b.products[at] * p.blocks() + b.index,
        Arrays.copyOfRange(sums, from, from + len));
  }

  private void sumRange() {
    rangeStart = rangeEnd;
    rangeEnd = Math.min(b.products.length, rangeStart + perRange);
    Arrays.fill(sums, 0);
    int rank = p.rank();
    for (int c = 0; c < cursor.length; c++) {
      int s = cursor[c];
      for (; s < b.chunkSegment[c + 1] && b.segmentProduct[s] < rangeEnd; s++) {
        int base = (b.segmentProduct[s] - rangeStart) * len;
        for (int r = b.segmentStart[s]; r < b.segmentStart[s + 1]; r++) {
          p.observe(sums, base, x, b.userPosOfRow[r] * rank, b.ratingByProduct[r], batch);
        }
        batch.flush(sums, base);
      }
      cursor[c] = s;
    }
  }
}
