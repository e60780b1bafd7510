package io.recsv.lineage;

import io.recsv.config.UserError;
import io.recsv.fs.PathGuard;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one guard of the published CSV's place ({@code merge.output}): inside {@code merge.output-root} with links
 * resolved, and an existing file replaced only with {@code merge.overwrite}. The run asks it before any stage
 * runs; the merge asks it again as it publishes, when the place may have changed since.
 */
public final class PublishGuard {

  private PublishGuard() {}

  /** The CSV's real path: inside {@code outputRoot} once symbolic links are resolved; else a UserError. */
  public static Path requireInsideRoot(FileSystem fs, Path csv, Path outputRoot) throws IOException {
    return PathGuard.requireInside(fs, csv, outputRoot, "merge.output", "merge.output-root");
  }

  /** Refuses to replace an existing CSV without {@code merge.overwrite}; {@code when} says at which point. */
  public static void requireReplaceable(Path csv, boolean exists, boolean overwrite, String when) {
    if (exists && !overwrite) {
      throw new UserError("output " + csv + " already exists; set merge.overwrite=true to replace it" + when);
    }
  }
}
