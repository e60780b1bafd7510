package io.recsv.run;

import io.recsv.fs.HadoopConf;

import io.recsv.config.UserError;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run at a time: a lock file in the run's directory, created exclusively (HDFS {@code create} without
 * overwrite is atomic at the NameNode; locally {@code O_EXCL}). It says who holds it (host, pid, when, what),
 * and the holder touches it every {@code stale-after / 4} while it runs.
 * <p>A lock is stale when its holder is a process of this host that no longer exists (checked at once), or when
 * nobody touched it for {@code run.lock-stale-after} (a holder on another host, e.g. a YARN driver that was
 * killed). A stale lock is taken over by renaming it aside under a name of one's own, then checking that what
 * was moved is the lock that was judged stale (and putting it back if it is not), so two processes that find
 * the same stale lock cannot both take it.
 */
public final class RunLock implements AutoCloseable {

  private static final Logger LOG = LogManager.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who holds the lock; {@code token} is unique to one acquisition. */
  public record Holder(String host, long pid, String processStart, String since, String command, String token) {

    static Holder me(String command) {
      ProcessHandle self = ProcessHandle.current();
      return new Holder(hostName(), self.pid(), self.info().startInstant().map(Instant::toString).orElse(""),
          Instant.now().toString(), command, UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
      return "'" + command + "' on host " + host + ", pid " + pid + ", since " + since;
    }
  }

  private final FileSystem fs;
  private final Path file;
  private final Holder holder;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path file, Holder holder, Duration staleAfter) {
    this.fs = fs;
    this.file = file;
    this.holder = holder;
    long everyMs = Math.max(1000, staleAfter.toMillis() / 4);
    this.heartbeat = DaemonThreads.scheduled("recsv-run-lock-heartbeat");
    heartbeat.scheduleWithFixedDelay(this::touch, everyMs, everyMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of the run whose directory holds {@code file}, or fails at once naming who holds it. Creating
   * the lock is also the first write into the run's directory: one that cannot be written fails here, named.
   */
  public static RunLock acquire(Configuration conf, Path file, String command, Duration staleAfter)
      throws IOException {
    FileSystem fs = HadoopConf.forWriting(file, conf);
    Holder me = Holder.me(command);
    try {
      if (!fs.mkdirs(file.getParent())) {
        throw new UserError("cannot create the run's directory " + file.getParent());
      }
      for (int attempt = 0; attempt < 5; attempt++) {
        if (createExclusive(fs, file, me)) {
          return new RunLock(fs, file, me, staleAfter);
        }
        Optional<Holder> held = read(fs, file);
        FileStatus status;
        try {
          status = fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
          continue;  // released meanwhile: try again
        }
        String why = staleBecause(held, status, staleAfter);
        if (why == null) {
          throw new UserError("run " + file.getParent() + " is in use by " + held.map(Holder::toString)
              .orElse("a process that is still writing the lock") + " (lock " + file + "). Wait for it to finish;"
              + " if that process is gone, the lock is taken over once it is " + staleAfter.toMinutes()
              + " minutes old (run.lock-stale-after), or delete " + file + " if you are sure");
        }
        takeOver(fs, file, held, me, why);
      }
      throw new UserError("could not take the lock " + file + ": other processes kept taking it; try again");
    } catch (AccessControlException e) {
      throw new UserError("permission denied writing the run's directory " + file.getParent() + ": "
          + e.getMessage(), e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new UserError("permission denied writing the run's directory " + file.getParent(), e);
    }
  }

  /** Null if the lock is live; else why it is stale. */
  static String staleBecause(Optional<Holder> held, FileStatus status, Duration staleAfter) {
    if (held.isPresent() && held.get().host().equals(hostName())) {
      Optional<ProcessHandle> process = ProcessHandle.of(held.get().pid());
      boolean alive = process.isPresent() && process.get().isAlive()
          && process.get().info().startInstant().map(Instant::toString).orElse("").equals(held.get().processStart());
      return alive ? null : "its process " + held.get().pid() + " on this host is gone";
    }
    long idleMs = System.currentTimeMillis() - status.getModificationTime();
    return idleMs > staleAfter.toMillis()
        ? "it was last touched " + idleMs / 1000 + " s ago (run.lock-stale-after = " + staleAfter.toSeconds() + " s)"
        : null;
  }

  private static void takeOver(FileSystem fs, Path file, Optional<Holder> judged, Holder me, String why)
      throws IOException {
    Path aside = new Path(file.getParent(), file.getName() + ".stale-" + me.token());
    if (!fs.rename(file, aside)) {
      return;  // someone else moved it first
    }
    Optional<Holder> moved = read(fs, aside);
    boolean same = moved.map(Holder::token).equals(judged.map(Holder::token));
    if (!same && fs.rename(aside, file)) {
      return;  // it was a fresh lock taken meanwhile: put back, and look again
    }
    fs.delete(aside, false);
    LOG.warn("took over the stale lock {} of {}: {}", file, judged.map(Holder::toString).orElse("an unknown holder"),
        why);
  }

  private static boolean createExclusive(FileSystem fs, Path file, Holder me) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(me);
    if ("file".equals(fs.getUri().getScheme())) {
      // The decoded path: Path.of(URI) refuses a URI of a name with letters beyond ASCII ("Bad escape").
      java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(file).toUri().getPath());
      try {
        Files.write(local, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The holder, or empty while the lock is being written (or if it was cut short). */
  static Optional<Holder> read(FileSystem fs, Path file) {
    try (InputStream in = fs.open(file)) {
      return Optional.of(JSON.readValue(in, Holder.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      LOG.warn("cannot touch the run lock {}: {}", file, e.toString());
    }
  }

  public Holder holder() {
    return holder;
  }

  /** Releases the lock if it is still ours. */
  @Override
  public void close() throws IOException {
    heartbeat.shutdownNow();
    Optional<Holder> now = read(fs, file);
    if (now.isPresent() && now.get().token().equals(holder.token())) {
      fs.delete(file, false);
    } else {
      LOG.warn("the run lock {} is no longer ours ({}); leaving it", file, now.map(Holder::toString).orElse("gone"));
    }
  }

  private static volatile String host;

  static String hostName() {
    if (host == null) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
      }
    }
    return host;
  }
}
