package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.config.UserError;
import io.recsv.lineage.ExportManifest;
import io.recsv.testing.MiniHdfs;
import io.recsv.testing.SyntheticParts;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the NameNode refuses concat for (see its FSDirConcatOp), made on a real HDFS of three DataNodes: an
 * erasure-coding policy (XOR-2-1) on the export's side or on the output's, which the merge arranges (the header
 * it concatenates onto takes the parts' policy); and parts in a snapshot, which it cannot arrange: merge.strategy
 * = auto copies them instead, with the NameNode's reason in the manifest, and concat alone refuses. An encryption
 * zone needs a KMS, which these tests do not start: the merge looks the zone up before it chooses (copy).
 */
class ConcatRefusalsTest {

  /** The block size of the parts: the policy's cell (1 MiB), as a striped file needs. */
  private static final long BLOCK = 1 << 20;
  private static final String POLICY = "XOR-2-1-1024k";
  private static MiniHdfs hdfs;
  private static int counter;

  @BeforeAll
  static void startHdfs() throws IOException {
    hdfs = new MiniHdfs(BLOCK, 3);
    ((DistributedFileSystem) hdfs.fs()).enableErasureCodingPolicy(POLICY);
  }

  @AfterAll
  static void stopHdfs() {
    hdfs.close();
  }

  private record Case(Path base, Path export, Path output, Path root, ExportManifest manifest, byte[] expected) {}

  /** The directories first (so that a policy can be set on them), then the parts. */
  private Case newCase(String policyOnWork, String policyOnOutput) throws IOException {
    DistributedFileSystem fs = dfs();
    Path base = new Path("/c" + (++counter));
    Path work = new Path(base, "work");
    Path root = new Path(base, "out");
    fs.mkdirs(work);
    fs.mkdirs(root);
    if (policyOnWork != null) {
      fs.setErasureCodingPolicy(work, policyOnWork);
    }
    if (policyOnOutput != null) {
      fs.setErasureCodingPolicy(root, policyOnOutput);
    }
    Path export = new Path(work, "run/export");
    ExportManifest manifest = SyntheticParts.write(fs, export, new long[] {3000, 0, 70_000, 123}, BLOCK, counter);
    return new Case(base, export, new Path(root, "week/recommendations.csv"), root, manifest,
        SyntheticParts.expectedCsv(fs, export, manifest));
  }

  private static DistributedFileSystem dfs() throws IOException {
    return (DistributedFileSystem) hdfs.fs();
  }

  private static CsvManifest merge(Case c, Strategy strategy) throws IOException {
    return new Merger(hdfs.conf(), new MergeSettings(c.export().toString(), c.output().toString(),
        c.root().toString(), strategy, false, new FsPermission((short) 0640), 0), MergeStep.Listener.NONE).merge();
  }

  private static void assertPublished(Case c, CsvManifest m) throws IOException {
    assertArrayEquals(c.expected(), SyntheticParts.read(hdfs.fs(), c.output()), "header + parts in order");
    assertEquals(c.expected().length, m.bytes());
    assertEquals(c.manifest().rows(), m.rows());
    assertEquals(m, CsvManifest.readIfExists(hdfs.fs(), c.output()), "the manifest beside the CSV");
    assertFalse(hdfs.fs().exists(new Path(c.output().getParent(), "." + c.output().getName() + ".merging")));
  }

  @Test
  void partsErasureCodedThroughTheirRunDirectoryAreConcatenatedIntoAReplicatedOutputRoot() throws IOException {
    // The policy is the run directory's, inherited by the parts: moved under the output root, a new file there
    // would be replicated, and the NameNode refuses a concat across policies.
    Case c = newCase(POLICY, null);
    assertEquals(POLICY, dfs().getErasureCodingPolicy(new Path(c.export(), "parts/part-00000.csv")).getName());
    CsvManifest m = merge(c, Strategy.AUTO);
    assertEquals(Strategy.CONCAT, m.strategy(), m.strategyReason());
    assertPublished(c, m);
    assertEquals(POLICY, dfs().getErasureCodingPolicy(c.output()).getName(), "the parts' blocks, as they were");
  }

  @Test
  void replicatedPartsAreConcatenatedIntoAnErasureCodedOutputRoot() throws IOException {
    Case c = newCase(null, POLICY);
    CsvManifest m = merge(c, Strategy.CONCAT);
    assertEquals(Strategy.CONCAT, m.strategy());
    assertPublished(c, m);
    assertNull(dfs().getErasureCodingPolicy(c.output()), "replicated, as the parts were");
  }

  @Test
  void partsInASnapshotAreCopiedWithTheNameNodesReasonAndConcatAloneIsRefused() throws IOException {
    Case c = newCase(null, null);
    Path work = c.export().getParent().getParent();
    dfs().allowSnapshot(work);
    dfs().createSnapshot(work, "before-merge");

    UserError refused = assertThrows(UserError.class, () -> merge(c, Strategy.CONCAT));
    assertTrue(refused.getMessage().startsWith("merge.strategy = concat, but the NameNode refused it: Concat: the"
        + " source file"), refused.getMessage());
    assertTrue(refused.getMessage().contains("snapshot"), refused.getMessage());
    assertFalse(hdfs.fs().exists(c.output()), "nothing published");

    // The rerun resumes the interrupted merge (its parts staged) and copies them.
    CsvManifest m = merge(c, Strategy.AUTO);
    assertEquals(Strategy.COPY, m.strategy());
    assertTrue(m.strategyReason().startsWith("the NameNode refused concat: Concat: the source file")
        && m.strategyReason().contains("snapshot"), m.strategyReason());
    assertEquals(Verification.COPY_CRC.description(), m.checksum().verifiedBy());
    assertPublished(c, m);
  }

  @Test
  void aFreshMergeOfPartsInASnapshotCopiesAtOnceAfterTheRefusal() throws IOException {
    Case c = newCase(null, null);
    Path work = c.export().getParent().getParent();
    dfs().allowSnapshot(work);
    dfs().createSnapshot(work, "nightly");
    CsvManifest m = merge(c, Strategy.AUTO);
    assertEquals(Strategy.COPY, m.strategy());
    assertTrue(m.strategyReason().contains("snapshot"), m.strategyReason());
    assertPublished(c, m);
    // And the snapshot still holds the export's parts as they were.
    assertTrue(hdfs.fs().exists(new Path(work, ".snapshot/nightly/run/export/parts/part-00002.csv")));
  }
}
