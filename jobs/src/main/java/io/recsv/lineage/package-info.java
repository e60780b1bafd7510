/**
 * What a run is made of: where each of its outputs lies ({@link io.recsv.lineage.RunLayout}), what each output
 * was made from and holds ({@link io.recsv.lineage.Lineage}, checked by every reader), and how a stage publishes
 * its output whole ({@link io.recsv.lineage.StageOutput}).
 */
package io.recsv.lineage;
