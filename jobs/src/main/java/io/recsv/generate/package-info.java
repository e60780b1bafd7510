/**
 * Synthetic interactions with a planted taste structure and 64-bit ids, deterministic for a seed: {@code recsv
 * generate}, the demo's dataset, and the input of the tests and benchmarks.
 */
package io.recsv.generate;
