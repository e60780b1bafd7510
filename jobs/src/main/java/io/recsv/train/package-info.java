/**
 * Stage 2, train: the week's ALS model, fitted on prepare's interactions.
 */
package io.recsv.train;
