/**
 * The operator's tools for the Oozie application: {@code recsv oozie} (validate, deploy, submit, rerun, backfill,
 * status, retention, each a command of {@link io.recsv.ops.OozieCommands}), the retention action's main, and the
 * Airflow DAG generated from the same workflow ({@code recsv airflow dag}).
 */
package io.recsv.ops;
