package io.recsv.prepare;

import io.recsv.config.UserError;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Products' dense indices: a product's index is its rank among the distinct product ids in ascending order, so
 * that "ties by product id" and "ties by product index" are the same order (score breaks ties by index). The
 * ids are collected to the driver as one sorted array (8 bytes a product; train broadcasts 4 x rank bytes a
 * product) and broadcast to write the pairs' indices; nothing here grows with users or pairs.
 */
record ProductIndex(long[] ids, SortedMap<Long, Long> pairsPerProduct) {

  /** Runs the Spark job that reads the input: a failure here may be a bad row (see CsvInput and ParquetInput). */
  static ProductIndex of(JavaRDD<PairBlock> blocks) {
    int partitions = blocks.getNumPartitions();
    List<Tuple2<long[], SortedMap<Long, Long>>> parts = blocks.flatMapToPair(PairBlock::productPairs)
        .reduceByKey(new LongHashPartitioner(partitions), Long::sum)
        .mapPartitions(products -> List.of(collected(products)).iterator())
        .collect();
    long total = parts.stream().mapToLong(p -> p._1().length).sum();
    if (total > Integer.MAX_VALUE) {
      throw new UserError("more than " + Integer.MAX_VALUE + " distinct products (" + total + "): ALS indexes them"
          + " with int");
    }
    long[] ids = new long[(int) total];
    int at = 0;
    SortedMap<Long, Long> pairsPerProduct = new TreeMap<>();
    for (Tuple2<long[], SortedMap<Long, Long>> part : parts) {
      System.arraycopy(part._1(), 0, ids, at, part._1().length);
      at += part._1().length;
      part._2().forEach((n, howMany) -> pairsPerProduct.merge(n, howMany, Long::sum));
    }
    Arrays.sort(ids);
    return new ProductIndex(ids, pairsPerProduct);
  }

  long count() {
    return ids.length;
  }

  /** One partition's products as a primitive array, and how many of them have 1, 2, ... pairs. */
  private static Tuple2<long[], SortedMap<Long, Long>> collected(Iterator<Tuple2<Long, Long>> products) {
    long[] ids = new long[1024];
    int n = 0;
    SortedMap<Long, Long> pairsPerProduct = new TreeMap<>();
    while (products.hasNext()) {
      Tuple2<Long, Long> p = products.next();
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = p._1();
      pairsPerProduct.merge(p._2(), 1L, Long::sum);
    }
    return new Tuple2<>(Arrays.copyOf(ids, n), pairsPerProduct);
  }
}
