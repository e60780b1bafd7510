/**
 * Stage 1, prepare: the input validated (the file and line of a bad row) and its ids mapped to dense indices,
 * in one pass; the interactions, users and products datasets.
 */
package io.recsv.prepare;
