/**
 * The pipeline end to end on a real HDFS (MiniDFSCluster) and through the launcher, as a user runs it.
 */
package io.recsv.it;
