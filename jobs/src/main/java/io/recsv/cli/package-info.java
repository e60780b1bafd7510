/**
 * The {@code ./recsv} commands (run, stage, show, report, tune, generate): {@code run} and {@code stage} on local
 * Spark, or with {@code --master yarn} each stage a YARN application.
 */
package io.recsv.cli;
