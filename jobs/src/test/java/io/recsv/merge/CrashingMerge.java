package io.recsv.merge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * A merge in a process of its own that dies at a chosen point, as a killed container does: no finally block, no
 * clean-up. Args: export dir, output CSV, output root, strategy, where to die (a step's name, after which it dies,
 * or "copied N": a compose, after the upload's part N), then Hadoop settings as key=value.
 */
public final class CrashingMerge {

  private CrashingMerge() {}

  /** Starts one, its output to this process's. */
  static Process start(Path export, Path csv, Path root, Strategy strategy, String dieAt, Map<String, String> conf)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        CrashingMerge.class.getName(), export.toString(), csv.toString(), root.toString(), strategy.name(), dieAt));
    conf.forEach((key, value) -> command.add(key + "=" + value));
    return new ProcessBuilder(command).inheritIO().start();
  }

  public static void main(String[] args) throws Exception {
    String dieAt = args[4];
    Configuration conf = new Configuration();
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    MergeSettings settings = new MergeSettings(args[0], args[1], args[2], Strategy.valueOf(args[3]), false,
        FsPermission.getFileDefault(), 0).withParallelCopies(1);  // "copied N": parts after N not yet begun
    new Merger(conf, settings, new MergeStep.Listener() {
      @Override
      public void reached(MergeStep step) {
        if (step.name().equals(dieAt)) {
          die();
        }
      }

      @Override
      public void copied(int part) {
        if (dieAt.equals("copied " + part)) {
          die();
        }
      }
    }).merge();
    System.exit(0);
  }

  private static void die() {
    System.out.flush();
    Runtime.getRuntime().halt(137);
  }
}
