package io.recsv.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real NameNode and DataNode in this JVM, on a temporary directory: for the merge tests and benchmark. */
public final class MiniHdfs implements AutoCloseable {

  private final File base;
  private final MiniDFSCluster cluster;

  /** @param blockSize the cluster's default block size (tests use tiny ones to get partial blocks) */
  public MiniHdfs(long blockSize) throws IOException {
    this(blockSize, 1);
  }

  /** With {@code dataNodes} DataNodes: an erasure-coding policy needs as many as its data and parity units. */
  public MiniHdfs(long blockSize, int dataNodes) throws IOException {
    base = Files.createTempDirectory("recsv-minidfs").toFile();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    conf.setLong("dfs.blocksize", blockSize);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", Math.min(blockSize, 1024));
    conf.setInt("dfs.bytes-per-checksum", 512);
    conf.setInt("dfs.replication", 1);
    // The client's first completeFile retry waits 400 ms by default: most of the time of writing many files.
    conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 5);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).build();
    cluster.waitActive();
  }

  public FileSystem fs() throws IOException {
    return cluster.getFileSystem();
  }

  public Configuration conf() {
    return cluster.getConfiguration(0);
  }

  public String uri() throws IOException {
    return fs().getUri().toString();
  }

  @Override
  public void close() {
    cluster.shutdown(true);
    FileUtil.fullyDelete(base);
  }
}
