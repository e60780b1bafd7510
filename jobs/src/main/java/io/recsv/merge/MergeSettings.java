package io.recsv.merge;

import io.recsv.config.Settings;
import org.apache.hadoop.fs.permission.FsPermission;

/** The merge stage's keys, validated. {@code permission} is null when the files should follow the umask. */
public record MergeSettings(String exportDir, String output, String outputRoot, String strategy,
    boolean overwrite, FsPermission permission, long maxBlocksPerFile, boolean verifyChecksum, boolean sync) {

  /** The defaults for what a test or benchmark does not set. */
  public MergeSettings(String exportDir, String output, String outputRoot, String strategy, boolean overwrite,
      FsPermission permission, long maxBlocksPerFile) {
    this(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile, true, true);
  }

  public MergeSettings withVerifyChecksum(boolean verify) {
    return new MergeSettings(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile, verify,
        sync);
  }

  public MergeSettings withSync(boolean sync) {
    return new MergeSettings(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile,
        verifyChecksum, sync);
  }

  public static MergeSettings from(Settings s) {
    String permission = s.string("merge.permission").trim();
    if (!permission.isEmpty() && !permission.matches("[0-7]{3,4}")) {
      throw s.bad("merge.permission", "must be empty (follow the umask) or octal like 644");
    }
    return new MergeSettings(
        s.requiredString("export.output"),
        s.requiredString("merge.output"),
        s.requiredString("merge.output-root"),
        s.oneOf("merge.strategy", "auto", "concat", "copy"),
        s.bool("merge.overwrite"),
        permission.isEmpty() ? null : new FsPermission(Short.parseShort(permission, 8)),
        s.intAtLeast("merge.max-blocks-per-file", 0),
        "verify".equals(s.oneOf("merge.checksum", "verify", "record")),
        s.bool("merge.sync"));
  }
}
