package io.recsv.run;

import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** A second process for the lock tests: takes the run lock at args[0], says so, and holds it until killed. */
public final class HoldRunLock {

  private HoldRunLock() {}

  public static void main(String[] args) throws Exception {
    RunLock lock = RunLock.acquire(new Configuration(), new Path(args[0]), "test holder", Duration.ofMinutes(10));
    System.out.println("LOCKED " + lock.holder().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
