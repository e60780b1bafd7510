package io.recsv.run;

import io.recsv.config.UserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.testing.MiniHdfs;
import io.recsv.cli.MainAccess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process at a time per run: checked with a second JVM, on the local file system and on HDFS. */
class RunLockTest {

  private static final Duration STALE = Duration.ofMinutes(10);

  @TempDir
  java.nio.file.Path work;

  /** Starts a JVM that takes the lock at {@code lock} and holds it; returns once it has it. */
  private static Process holder(String lock) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        HoldRunLock.class.getName(), lock).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("LOCKED")) {
      // the child's log lines, if any
    }
    assertTrue(line != null, "the second process took the lock");
    return p;
  }

  @Test
  void aSecondProcessIsRefusedNamingTheHolderAndTakesOverWhenTheHolderDies() throws Exception {
    Path lock = new Path(work.resolve("runs/r1/_recsv.lock").toString());
    Process other = holder(lock.toString());
    try {
      UserError e = assertThrows(UserError.class, () -> RunLock.acquire(new Configuration(), lock, "me", STALE));
      assertTrue(e.getMessage().contains("is in use by 'test holder' on host " + RunLock.hostName() + ", pid "
          + other.pid() + ", since "), e.getMessage());
      assertTrue(e.getMessage().contains("lock " + lock), e.getMessage());

      // A whole stage on the same run, through the launcher, is refused at once too (the merge included).
      TestSpark.get();
      UserError merge = assertThrows(UserError.class, () -> MainAccess.run("stage", "merge", "--work",
          work.resolve("runs").toString(), "--run-id", "r1"));
      assertTrue(merge.getMessage().contains("is in use by 'test holder'"), merge.getMessage());
    } finally {
      other.destroyForcibly();
      assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    }
    // Killed, it could not release the lock: its process is gone, so the lock is stale and taken over.
    assertTrue(Files.exists(java.nio.file.Path.of(lock.toUri().getPath())), "the dead holder's lock is still there");
    try (RunLock mine = RunLock.acquire(new Configuration(), lock, "me", STALE)) {
      assertEquals(ProcessHandle.current().pid(), RunLock.read(FileSystem.getLocal(new Configuration()), lock)
          .orElseThrow().pid());
    }
    assertFalse(Files.exists(java.nio.file.Path.of(lock.toUri().getPath())), "released on close");
  }

  @Test
  void onHdfsTheLockIsExclusiveAndAnUntouchedOneFromAnotherHostIsTakenOver() throws Exception {
    try (MiniHdfs hdfs = new MiniHdfs(4096)) {
      FileSystem fs = hdfs.fs();
      Path lock = new Path(hdfs.uri() + "/work/r1/_recsv.lock");
      try (RunLock first = RunLock.acquire(hdfs.conf(), lock, "first", STALE)) {
        UserError e = assertThrows(UserError.class, () -> RunLock.acquire(hdfs.conf(), lock, "second", STALE));
        assertTrue(e.getMessage().contains("in use by 'first'"), e.getMessage());
      }
      assertFalse(fs.exists(lock));

      // A driver on another host that was killed: its lock says so, and nobody touched it for an hour.
      try (OutputStream out = fs.create(lock)) {
        out.write(("{\"host\":\"node-17.example\",\"pid\":4242,\"processStart\":\"\",\"since\":\"2026-01-01T00:00:00Z\","
            + "\"command\":\"spark-submit train\",\"token\":\"t-old\"}").getBytes(StandardCharsets.UTF_8));
      }
      UserError live = assertThrows(UserError.class, () -> RunLock.acquire(hdfs.conf(), lock, "me", STALE));
      assertTrue(live.getMessage().contains("'spark-submit train' on host node-17.example, pid 4242"),
          live.getMessage());
      fs.setTimes(lock, System.currentTimeMillis() - Duration.ofHours(1).toMillis(), -1);
      try (RunLock mine = RunLock.acquire(hdfs.conf(), lock, "me", STALE)) {
        assertEquals(mine.holder().token(), RunLock.read(fs, lock).orElseThrow().token());
        assertEquals(List.of("_recsv.lock"), List.of(fs.listStatus(lock.getParent())).stream()
            .map(s -> s.getPath().getName()).toList(), "the stale lock was moved aside and removed");
      }
    }
  }
}
