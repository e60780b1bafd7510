package io.recsv.prepare;

import io.recsv.config.UserError;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;

/**
 * Users' dense indices 0..n-1: a block's users are numbered from the count of users in the blocks before it, each
 * block's in id order. The same input and partition count give the same indices; users are in no particular
 * order across blocks (the CSV promises none). Only one summary per block reaches the driver.
 * <p>{@code firstIndex[b]} is block b's first index, {@code firstIndex[b + 1]} the one after its last.
 */
record UserIndex(long count, long pairs, long[] firstIndex, SortedMap<Long, Long> pairsPerUser) {

  static UserIndex of(JavaRDD<PairBlock> blocks) {
    List<PairBlock.Summary> summaries = blocks.map(PairBlock::summary).collect();
    long[] firstIndex = new long[summaries.size() + 1];
    long users = 0;
    long pairs = 0;
    SortedMap<Long, Long> pairsPerUser = new TreeMap<>();
    for (int b = 0; b < summaries.size(); b++) {
      PairBlock.Summary s = summaries.get(b);
      firstIndex[b] = users;
      users += s.users();
      pairs += s.pairs();
      s.pairsPerUser().forEach((n, howMany) -> pairsPerUser.merge(n, howMany, Long::sum));
    }
    firstIndex[summaries.size()] = users;
    if (users > Integer.MAX_VALUE) {
      throw new UserError("more than " + Integer.MAX_VALUE + " distinct users (" + users + "): ALS indexes them"
          + " with int");
    }
    return new UserIndex(users, pairs, firstIndex, pairsPerUser);
  }
}
