package io.recsv.report;

import java.util.SortedMap;

/**
 * What prepare made of the input: how many users, products and (user, product) pairs, and how the interactions
 * spread over users and over products. Recorded in prepare's output; the run's report shows it.
 */
public record InputStats(long users, long products, long pairs, Histogram interactionsPerUser,
    Histogram interactionsPerProduct) {

  /** From how many users (products) have 1, 2, ... pairs, as prepare counts them. */
  public static InputStats of(long users, long products, long pairs, SortedMap<Long, Long> pairsPerUser,
      SortedMap<Long, Long> pairsPerProduct) {
    return new InputStats(users, products, pairs, Histogram.powersOfTwo(pairsPerUser),
        Histogram.powersOfTwo(pairsPerProduct));
  }
}
