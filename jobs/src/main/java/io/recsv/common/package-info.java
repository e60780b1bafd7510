/**
 * What every stage stands on: the run's layout, each output's lineage (its files and counts), the run's lock,
 * the checks before compute, guarded outputs published whole, the stage runner and its progress line.
 */
package io.recsv.common;
