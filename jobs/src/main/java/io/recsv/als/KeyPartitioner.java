package io.recsv.als;

import org.apache.spark.Partitioner;

/**
 * Long key k goes to partition (k / divisor) mod partitions: a ratings chunk (key: its block, divisor 1) to its
 * user block; a partial sum (key: product x blocks + block, divisor blocks) to its product's partition, where,
 * sorted by key, a product's parts come in block order.
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

  @Override
  public int getPartition(Object key) {
    return (int) (((Long) key / divisor) % partitions);
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
