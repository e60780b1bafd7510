package io.recsv.als;

/** {@code train.solver = exact}: one block's part of each of its products' normal equations. */
final class ProductSums extends ProductPartials {
  private final float[] x;
  private final BroadcastAls.Params p;
  private final NormalEquation.Sums[] sums;
  private final NormalEquation.Batch batch;

  /** {@code x}: the block's user factors. */
  ProductSums(UserBlock b, float[] x, BroadcastAls.Params p) {
    super(b, p.blocks(), 8L * NormalEquation.length(p.rank()));
    this.x = x;
    this.p = p;
    this.sums = new NormalEquation.Sums[perRange];
    for (int i = 0; i < perRange; i++) {
      sums[i] = new NormalEquation.Sums(p.rank());
    }
    this.batch = new NormalEquation.Batch(p.rank());
  }

  @Override
  protected void clear(int slot) {
    sums[slot].clear();
  }

  @Override
  protected void add(int slot, int product, int from, int to) {
    NormalEquation.Sums s = sums[slot];
    int rank = p.rank();
    for (int r = from; r < to; r++) {
      p.observe(s, x, b.userPosOfRow[r] * rank, b.ratingByProduct[r], batch);
    }
    batch.flush(s);
  }

  @Override
  protected float[] packed(int slot) {
    return sums[slot].packedFloats();
  }
}
