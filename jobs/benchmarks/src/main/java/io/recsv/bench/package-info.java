/**
 * `./recsv bench ...`: commands that print figures, each against a baseline measured in the same run (Spark's
 * own way of doing the stage's job, one client streaming the parts, MLlib). A module of its own, so that the
 * cluster jar holds only what a cluster runs.
 */
package io.recsv.bench;
