package io.recsv.als;

import org.apache.spark.Partitioner;

/**
 * Long key k goes to partition (k / divisor) mod partitions: a ratings chunk (key: its block, divisor 1) to its
 * user block; a partial sum (key: product x blocks + block, divisor blocks) to its product's partition, where,
 * sorted by key, a product's parts come in block order. A negative key is a block's share of what every partition
 * needs before its products ({@link #gram}).
 */
final class KeyPartitioner extends Partitioner {
  private final int partitions;
  private final int divisor;

  KeyPartitioner(int partitions, int divisor) {
    this.partitions = partitions;
    this.divisor = divisor;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  /**
   * The key of block {@code block}'s copy of its users' Gram matrix for partition {@code partition}: negative, so
   * that sorted it comes before the partition's products, and the blocks' copies in one order (the last block
   * first) whichever map task's output arrives first.
   */
  static long gram(int partition, int block, int partitions) {
    return -1 - (partition + (long) partitions * block);
  }

  @Override
  public int getPartition(Object key) {
    long k = (Long) key;
    return (int) (k < 0 ? (-1 - k) % partitions : (k / divisor) % partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPartitioner other && other.partitions == partitions && other.divisor == divisor;
  }

  @Override
  public int hashCode() {
    return partitions * 31 + divisor;
  }
}
