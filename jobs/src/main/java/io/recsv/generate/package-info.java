/**
 * Synthetic interactions, deterministic for a seed, with 64-bit ids: with a planted taste structure
 * ({@link io.recsv.generate.Generator}: {@code recsv generate}, the demo's dataset, the input of the tests and
 * benchmarks) or shaped like a shop's log ({@link io.recsv.generate.ShopLog}: long tails, stars, repeats, times;
 * {@code recsv generate --shape shop}, what the defaults are checked on).
 */
package io.recsv.generate;
