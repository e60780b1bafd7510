/**
 * ALS training (MLlib's, or recsv's {@link io.recsv.als.BroadcastAls} with the exact or conjugate-gradient
 * half step) and exact top-k scoring, shared by the train, score and evaluate stages.
 */
package io.recsv.als;
