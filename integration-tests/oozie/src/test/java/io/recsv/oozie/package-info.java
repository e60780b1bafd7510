/**
 * The Oozie application in Oozie 5.2.1's own engine, in a JVM of its own (Hadoop 2.6: it cannot share one with
 * Spark 3.5).
 */
package io.recsv.oozie;
