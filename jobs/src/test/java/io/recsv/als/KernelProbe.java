package io.recsv.als;

import dev.ludovic.netlib.blas.BLAS;
import java.util.List;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * For the benchmark: times the blocked kernel on the driver, on real factors, with and without top-k
 * selection, to split the scoring time into arithmetic and selection.
 */
public final class KernelProbe {

  /**
   * Seconds for {@code users} users: arithmetic only, arithmetic + selection, and the same arithmetic by the
   * BLAS Spark bundles (dev.ludovic.netlib sgemm), the alternative to a hand-written kernel.
   */
  public record Split(int users, int products, int rank, double arithmeticSeconds, double totalSeconds,
      double blasSeconds, String blas) {}

  private KernelProbe() {}

  /** The factor rows (id, features) as Spark's own rows, copied: those Spark hands out may be reused. */
  private static List<InternalRow> rows(Dataset<Row> factors) {
    return factors.select("id", "features").queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).collect();
  }

  public static Split measure(ALSModel model, int sampleUsers, int k, int blockSize) {
    int rank = model.rank();
    List<InternalRow> items = rows(model.itemFactors().orderBy("id"));
    int[] ids = new int[items.size()];
    float[] byItem = new float[items.size() * rank];
    for (int j = 0; j < ids.length; j++) {
      ids[j] = Factors.copy(items.get(j), byItem, j * rank, rank, "(benchmark)", "product");
    }
    ItemSlice slice = new ItemSlice(rank, ids, byItem);
    List<InternalRow> userRows = rows(model.userFactors().limit(sampleUsers));
    float[] users = new float[userRows.size() * rank];
    for (int u = 0; u < userRows.size(); u++) {
      Factors.copy(userRows.get(u), users, u * rank, rank, "(benchmark)", "user");
    }
    // Warm up the JIT, then time each variant twice and keep the faster.
    arithmetic(users, Math.min(userRows.size(), 2 * blockSize), slice);
    run(users, Math.min(userRows.size(), 2 * blockSize), rank, blockSize, slice, k);
    double arithmetic = Math.min(arithmetic(users, userRows.size(), slice), arithmetic(users, userRows.size(), slice));
    double total = Math.min(run(users, userRows.size(), rank, blockSize, slice, k),
        run(users, userRows.size(), rank, blockSize, slice, k));
    BLAS blas = BLAS.getInstance();
    sgemm(blas, users, userRows.size(), byItem, ids.length, rank);
    double blasSeconds = Math.min(sgemm(blas, users, userRows.size(), byItem, ids.length, rank),
        sgemm(blas, users, userRows.size(), byItem, ids.length, rank));
    return new Split(userRows.size(), ids.length, rank, arithmetic, total, blasSeconds,
        blas.getClass().getSimpleName());
  }

  /** scores (items x users, a chunk of items at a time) = itemFactors^T * userFactors, as one sgemm per chunk. */
  private static double sgemm(BLAS blas, float[] users, int count, float[] byItem, int n, int rank) {
    int chunk = BlockKernel.CHUNK;
    float[] scores = new float[chunk * count];
    long t0 = System.nanoTime();
    for (int c0 = 0; c0 < n; c0 += chunk) {
      int len = Math.min(chunk, n - c0);
      blas.sgemm("T", "N", len, count, rank, 1f, byItem, c0 * rank, rank, users, 0, rank, 0f, scores, 0, len);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The kernel's arithmetic alone: every pair of users against every chunk, no selection. */
  private static double arithmetic(float[] users, int count, ItemSlice slice) {
    BlockKernel kernel = new BlockKernel();
    int rank = slice.rank;
    long t0 = System.nanoTime();
    for (int c = 0; c * slice.chunk < slice.size; c++) {
      int len = slice.rows[c * rank].length;
      for (int u = 0; u + 1 < count; u += 2) {
        kernel.scorePair(users, u * rank, (u + 1) * rank, slice.rows, c * rank, rank, len);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double run(float[] users, int count, int rank, int blockSize, ItemSlice slice, int k) {
    BlockKernel kernel = new BlockKernel();
    TopK[] tops = new TopK[blockSize];
    for (int i = 0; i < blockSize; i++) {
      tops[i] = new TopK(k);
    }
    float[] block = new float[blockSize * rank];
    long t0 = System.nanoTime();
    for (int start = 0; start < count; start += blockSize) {
      int n = Math.min(blockSize, count - start);
      System.arraycopy(users, start * rank, block, 0, n * rank);
      for (int i = 0; i < n; i++) {
        tops[i].clear();
      }
      kernel.score(block, n, slice, tops, null);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

}
