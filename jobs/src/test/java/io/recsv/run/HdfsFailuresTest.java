package io.recsv.run;

import io.recsv.fs.IoErrors;
import io.recsv.lineage.RunLayout;

import io.recsv.config.UserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.testing.MiniHdfs;
import io.recsv.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures a user can fix, on a real HDFS as a user who is not its superuser: an unwritable run or output
 * directory is found before any compute, and a full disk (a space quota) is one line naming the path.
 */
class HdfsFailuresTest {

  private static MiniHdfs hdfs;
  private static final UserGroupInformation ALICE =
      UserGroupInformation.createUserForTesting("alice", new String[] {"analysts"});

  @BeforeAll
  static void start() throws IOException {
    hdfs = new MiniHdfs(4096);
    for (String dir : List.of("/work", "/published")) {
      hdfs.fs().mkdirs(new Path(dir));
      hdfs.fs().setPermission(new Path(dir), new FsPermission((short) 0755));  // not alice's
    }
  }

  @AfterAll
  static void stop() {
    hdfs.close();
  }

  private static UserError asAlice(PrivilegedExceptionAction<Object> action) {
    return assertThrows(UserError.class, () -> ALICE.doAs(action));
  }

  @Test
  void anUnwritableRunDirectoryIsRefusedWhenTheLockIsTaken() throws Exception {
    Path lock = new Path(hdfs.uri() + "/work/r1/_recsv.lock");
    UserError e = asAlice(() -> RunLock.acquire(hdfs.conf(), lock, "test", Duration.ofMinutes(10)));
    assertTrue(e.getMessage().startsWith("permission denied writing the run's directory " + lock.getParent())
        && e.getMessage().contains("user=alice"), e.getMessage());
    assertFalse(hdfs.fs().exists(lock.getParent()));
  }

  @Test
  void anUnwritableOutputDirectoryIsRefusedBeforeAnyStageRuns() throws Exception {
    RunLayout layout = RunLayout.of(ConfigLoader.load(List.of(), List.of("run.root=" + hdfs.uri() + "/work",
        "run.id=r1", "merge.output-root=" + hdfs.uri() + "/published")));
    UserError e = asAlice(() -> {
      Preflight.publishable(hdfs.conf(), layout, true);
      return null;
    });
    assertTrue(e.getMessage().startsWith("cannot write to the output directory of merge.output "
        + layout.published() + ": permission denied: ") && e.getMessage().contains("user=alice"), e.getMessage());
    assertFalse(hdfs.fs().exists(new Path(hdfs.uri() + "/published/r1")), "nothing created");
  }

  @Test
  void aFullDiskIsOneLineNamingThePathAndTheCause() throws Exception {
    Path dir = new Path("/quota");
    DistributedFileSystem fs = (DistributedFileSystem) hdfs.fs();
    fs.mkdirs(dir);
    fs.setQuota(dir, HdfsConstants.QUOTA_DONT_SET, 8192);
    IOException full = assertThrows(IOException.class, () -> {
      try (OutputStream out = fs.create(new Path(dir, "big.csv"))) {
        out.write(new byte[64 * 1024]);
      }
    });
    UserError e = IoErrors.userErrorFor(new RuntimeException("stage failed", full));
    assertTrue(e.getMessage().startsWith("quota exceeded: ") && e.getMessage().contains("/quota"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
  }
}
