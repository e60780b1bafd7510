/**
 * Stage 4, evaluate: the week's model measured on a holdout against a popularity baseline; the quality gate's
 * rules; {@code tune}'s search over candidate settings.
 */
package io.recsv.evaluate;
