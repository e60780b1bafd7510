package io.recsv.prepare;

import org.apache.spark.Partitioner;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Long ids spread over partitions as Spark's {@code repartition(n, col(id))} spreads them: Murmur3 of the long
 * with Spark's seed. Users go to the blocks Spark's own repartition chose (so the same input and partition count
 * give the same blocks and user indices as ever); product ids with a pattern in their bits do not crowd a few
 * partitions, as {@code Long.hashCode} would make them.
 */
final class LongHashPartitioner extends Partitioner {

  private static final long serialVersionUID = 1L;
  /** Spark's {@code HashPartitioning} hashes with Murmur3 and this seed. */
  private static final int SPARK_HASH_SEED = 42;

  private final int partitions;

  LongHashPartitioner(int partitions) {
    this.partitions = partitions;
  }

  /** The partition of {@code id} among {@code partitions}. */
  static int partitionOf(long id, int partitions) {
    return Math.floorMod(Murmur3_x86_32.hashLong(id, SPARK_HASH_SEED), partitions);
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return partitionOf((Long) key, partitions);
  }
}
