package io.recsv.merge;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * A merge in a process of its own that dies at a chosen step, as a killed container does: no finally block, no
 * clean-up. Args: export dir, output CSV, output root, strategy, the step to die after.
 */
public final class CrashingMerge {

  private CrashingMerge() {}

  public static void main(String[] args) throws Exception {
    MergeStep dieAfter = MergeStep.valueOf(args[4]);
    MergeSettings settings = new MergeSettings(args[0], args[1], args[2], Strategy.valueOf(args[3]), false,
        FsPermission.getFileDefault(), 0);
    new Merger(new Configuration(), settings, step -> {
      if (step == dieAfter) {
        System.out.flush();
        Runtime.getRuntime().halt(137);
      }
    }).merge();
    System.exit(0);
  }
}
