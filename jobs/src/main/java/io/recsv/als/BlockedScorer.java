package io.recsv.als;

import io.recsv.config.UserError;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.run.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Exact top-k for every user, with no cross join and no shuffle: the item factors go to every task once (a
 * broadcast of contiguous float matrices), each task scores its users a block at a time against them
 * ({@link BlockKernel}) and emits each user's top k as one row of score's output (fewer only when the catalogue,
 * less the user's seen items, is smaller; no row when nothing is left). When the item factors exceed the broadcast budget they are cut into slices, and a
 * task takes a group of user blocks over one slice after the other, merging into the same per-user top-k:
 * it works on one slice at a time, fetched once per group rather than once per block.
 */
final class BlockedScorer {

  private final int k;
  private final int userBlockSize;
  private final int usersPerSlicePass;
  private final long itemBudgetBytes;
  private final long topKBudgetBytes;
  private final Normalization normalization;
  private final String modelPath;

  BlockedScorer(int k, int userBlockSize, int usersPerSlicePass, long itemBudgetBytes, long topKBudgetBytes,
      Normalization normalization, String modelPath) {
    this.k = k;
    this.topKBudgetBytes = topKBudgetBytes;
    this.userBlockSize = userBlockSize;
    this.usersPerSlicePass = usersPerSlicePass;
    this.itemBudgetBytes = itemBudgetBytes;
    this.normalization = normalization;
    this.modelPath = modelPath;
  }

  /**
   * @param seen the products to exclude, one row per user ({@link Recommender#seenLists}), or null to keep every
   *     product
   */
  Dataset<Row> score(SparkSession spark, FactorModel model, Dataset<Row> seen) {
    int rank = model.rank();
    List<Broadcast<ItemSlice>> slices = broadcastSlices(spark, model.itemFactors(), rank);
    Dataset<Row> users = model.userFactors().select("id", "features");
    boolean excludeSeen = seen != null;
    if (excludeSeen) {
      // Both sides put in spark.sql.shuffle.partitions by user, which the join keeps and the adaptive planner does
      // not coalesce: it would join into fewer, larger partitions by bytes (3 on 2 cores, one task then scoring
      // alone), where the scoring that follows costs by users.
      int partitions = SparkSessions.shufflePartitions(spark);
      Dataset<Row> factors = users.repartition(partitions, users.col("id"));
      Dataset<Row> lists = seen.repartition(partitions, seen.col(RunLayout.USER_INDEX));
      users = factors.join(lists, factors.col("id").equalTo(lists.col(RunLayout.USER_INDEX)), "left_outer")
          .select(factors.col("id"), factors.col("features"), lists.col(Recommender.SEEN));
    }
    // One slice: stream the users a block at a time. Several: hold a group of blocks while passing them over
    // each slice in turn.
    int blocksPerGroup = slices.size() == 1 ? 1 : Math.max(1, usersPerSlicePass / userBlockSize);
    Task task = new Task(topKSize(slices, blocksPerGroup), userBlockSize, blocksPerGroup, rank, normalization,
        modelPath, excludeSeen, slices);
    // Spark's own rows both ways (id, features[, seen] in; TopLists.SCHEMA out): no encoder converts them.
    JavaRDD<InternalRow> lists = users.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(rows -> new UserBlocks(task, rows));
    return spark.internalCreateDataFrame(lists.rdd(), TopLists.SCHEMA, false);
  }

  /** What every task needs, shipped with the closure. */
  private record Task(int k, int blockSize, int blocksPerGroup, int rank, Normalization normalization,
      String modelPath, boolean excludeSeen, List<Broadcast<ItemSlice>> slices) implements java.io.Serializable {}

  /**
   * One partition's users, scored a group of blocks at a time (one block unless items are sliced); yields the
   * group's rows before reading the next.
   */
  private static final class UserBlocks implements Iterator<InternalRow> {
    private final Task task;
    private final Iterator<InternalRow> rows;
    private final BlockKernel kernel = new BlockKernel();
    private final ScoringBlock[] group;
    private final int[] outItems;
    private final float[] outScores;
    private final List<InternalRow> buffer = new ArrayList<>();
    private int next;

    UserBlocks(Task task, Iterator<InternalRow> rows) {
      this.task = task;
      this.rows = rows;
      this.group = new ScoringBlock[task.blocksPerGroup()];
      for (int b = 0; b < group.length; b++) {
        group[b] = new ScoringBlock(task);
      }
      this.outItems = new int[task.k()];
      this.outScores = new float[task.k()];
    }

    @Override
    public boolean hasNext() {
      if (next < buffer.size()) {
        return true;
      }
      buffer.clear();
      next = 0;
      while (buffer.isEmpty() && rows.hasNext()) {
        scoreGroup();
      }
      return !buffer.isEmpty();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return buffer.get(next++);
    }

    private void scoreGroup() {
      int blocks = 0;
      while (blocks < group.length && rows.hasNext()) {
        group[blocks++].read(rows, task);
      }
      for (Broadcast<ItemSlice> broadcast : task.slices()) {
        ItemSlice slice = broadcast.value();
        for (int b = 0; b < blocks; b++) {
          kernel.score(group[b].factors, group[b].count, slice, group[b].tops, group[b].seen);
        }
      }
      for (int b = 0; b < blocks; b++) {
        ScoringBlock block = group[b];
        for (int u = 0; u < block.count; u++) {
          int n = block.tops[u].drainSorted(outItems, outScores);
          if (n > 0) {  // a user who has seen every product has no row
            buffer.add(TopRows.list(block.ids[u], outItems, outScores, n, task.normalization()));
          }
        }
      }
    }
  }

  /** Up to blockSize users: their factors (user-major), ids, seen items and top-k so far. */
  private static final class ScoringBlock {
    final float[] factors;
    final int[] ids;
    final int[][] seen;
    final TopK[] tops;
    int count;

    ScoringBlock(Task task) {
      factors = new float[task.blockSize() * task.rank()];
      ids = new int[task.blockSize()];
      seen = task.excludeSeen() ? new int[task.blockSize()][] : null;
      tops = newTops(task.blockSize(), task.k());
    }

    void read(Iterator<InternalRow> rows, Task task) {
      int rank = task.rank();
      count = 0;
      while (count < task.blockSize() && rows.hasNext()) {
        InternalRow row = rows.next();
        ids[count] = Factors.copy(row, factors, count * rank, rank, task.modelPath(), "user");
        if (seen != null) {
          seen[count] = row.isNullAt(2) ? new int[0] : row.getArray(2).toIntArray();
        }
        tops[count].clear();
        count++;
      }
    }
  }

  private static TopK[] newTops(int n, int k) {
    TopK[] tops = new TopK[n];
    for (int i = 0; i < n; i++) {
      tops[i] = new TopK(k);
    }
    return tops;
  }

  /**
   * The size of each user's top-k buffer: k, or the catalogue where it is smaller (no user can have more). A task
   * holds one for each user of its group of blocks (4 longs an entry); beyond score.topk-budget-mb the run is
   * refused before any user is scored, rather than run out of memory.
   */
  private int topKSize(List<Broadcast<ItemSlice>> slices, int blocksPerGroup) {
    long catalogue = slices.stream().mapToLong(b -> b.value().items.length).sum();
    int size = (int) Math.max(1, Math.min(k, catalogue));
    long bytes = 32L * size * userBlockSize * blocksPerGroup;
    if (bytes > topKBudgetBytes) {
      throw new UserError(String.format("score.k = %,d needs %,d MiB of top-k buffers per task (32 bytes x %,d"
          + " products x %,d users held at once, score.user-block-size%s), more than score.topk-budget-mb = %,d:"
          + " lower score.k or score.user-block-size, or raise score.topk-budget-mb", k, bytes >> 20, size,
          (long) userBlockSize * blocksPerGroup, blocksPerGroup > 1 ? " x the blocks of a slice pass" : "",
          topKBudgetBytes >> 20));
    }
    return size;
  }

  /**
   * Item factors in ascending index order, cut into slices of at most the budget, each broadcast once. They reach
   * the driver in one job, a partition's factors as two primitive arrays (no row object per product), and are
   * put in index order here: a sort of the dataset would cost a job to sample the ids and a shuffle.
   */
  private List<Broadcast<ItemSlice>> broadcastSlices(SparkSession spark, Dataset<Row> itemFactors, int rank) {
    long perItem = ItemSlice.bytesPerItem(rank);
    long itemsPerSlice = Math.min(itemBudgetBytes / perItem, Integer.MAX_VALUE / rank);
    if (itemsPerSlice < 1) {
      throw new UserError("score.item-budget-mb is too small to hold even one item's factors (" + perItem
          + " bytes at rank " + rank + ")");
    }
    List<PackedFactors> parts = itemFactors.select("id", "features").queryExecution().toRdd().toJavaRDD()
        .mapPartitions((Iterator<InternalRow> rows) -> List.of(PackedFactors.of(rows, rank)).iterator())
        .collect();
    // Each product as (index << 32 | its place among the parts taken in turn), sorted: ascending index order.
    long total = parts.stream().mapToLong(p -> p.ids.length).sum();
    if (total > Integer.MAX_VALUE) {
      throw new UserError("score: the model " + modelPath + " has " + total + " product factors, more than one"
          + " scorer can order (2^31 - 1)");
    }
    long[] order = new long[(int) total];
    int[] partOf = new int[order.length];
    int[] offsetOf = new int[order.length];
    int at = 0;
    for (int p = 0; p < parts.size(); p++) {
      int[] ids = parts.get(p).ids;
      for (int i = 0; i < ids.length; i++, at++) {
        order[at] = ((long) ids[i] << 32) | at;
        partOf[at] = p;
        offsetOf[at] = i;
      }
    }
    for (PackedFactors part : parts) {
      if (part.problem() != null) {
        throw Factors.refusal(modelPath, part.problem());
      }
    }
    Arrays.sort(order);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Broadcast<ItemSlice>> slices = new ArrayList<>();
    for (int from = 0; from < order.length; from += (int) itemsPerSlice) {
      int count = (int) Math.min(itemsPerSlice, order.length - from);
      int[] items = new int[count];
      float[] factors = new float[count * rank];
      for (int j = 0; j < count; j++) {
        int place = (int) order[from + j];
        PackedFactors part = parts.get(partOf[place]);
        items[j] = part.ids[offsetOf[place]];
        System.arraycopy(part.factors, offsetOf[place] * rank, factors, j * rank, rank);
      }
      slices.add(jsc.broadcast(new ItemSlice(rank, items, factors)));
    }
    return slices;
  }

  /**
   * One partition's factor rows as two arrays: ids, and their factors one after the other; and what was wrong with
   * the first bad row (null: nothing), which the driver reports as the model's fault, not as a failed task.
   */
  private record PackedFactors(int[] ids, float[] factors, String problem) implements java.io.Serializable {
    static PackedFactors of(Iterator<InternalRow> rows, int rank) {
      int[] ids = new int[1024];
      float[] factors = new float[ids.length * rank];
      int n = 0;
      while (rows.hasNext()) {
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, 2 * n);
          factors = Arrays.copyOf(factors, ids.length * rank);
        }
        InternalRow row = rows.next();
        String problem = Factors.copyOrTell(row, factors, n * rank, rank, "product");
        if (problem != null) {
          return new PackedFactors(new int[0], new float[0], problem);
        }
        ids[n++] = row.getInt(0);
      }
      return new PackedFactors(Arrays.copyOf(ids, n), Arrays.copyOf(factors, n * rank), null);
    }
  }
}
