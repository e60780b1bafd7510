/**
 * Stage 3, score: every user's top k products with normalized scores.
 */
package io.recsv.score;
