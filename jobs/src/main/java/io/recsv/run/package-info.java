/**
 * Running a stage: its contract ({@link io.recsv.run.Stage} with its {@link io.recsv.run.StageContext}), the
 * entry point spark-submit and Oozie call ({@link io.recsv.run.StageMain}), the runner that checks before any
 * compute ({@link io.recsv.run.Preflight}), holds the run's lock ({@link io.recsv.run.RunLock}) with its
 * {@link io.recsv.run.Heartbeat}, and runs the stages in order ({@link io.recsv.run.StageRunner}).
 */
package io.recsv.run;
