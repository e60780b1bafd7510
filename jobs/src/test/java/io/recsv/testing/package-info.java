/**
 * Fixtures the tests, the integration tests and the benchmarks share (shipped as the jobs' test-jar): a real
 * HDFS, synthetic export parts, the shared sample data, the rule two scorers' top k must agree by.
 */
package io.recsv.testing;
