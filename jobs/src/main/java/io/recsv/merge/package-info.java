/**
 * Stage 6, merge: one verified CSV from the export's parts, by HDFS concat or a verified copy, published
 * atomically with its manifest and report; a state machine whose journal lets a killed merge resume.
 */
package io.recsv.merge;
