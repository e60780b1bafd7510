package io.recsv.config;

import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * A path as a user types it on the command line: a Hadoop URI ({@code hdfs://nn/work}, {@code s3a://b/x},
 * {@code file:/tmp/x}) stays what it is, on its own file system; a plain path is a local one, made absolute
 * against the working directory (runs and lineage records must not depend on where a command was started).
 */
public final class UserPaths {

  /** A URI scheme (RFC 3986), then ':'; at least two letters, so that a drive letter is not taken for one. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  private UserPaths() {}

  public static boolean isUri(String path) {
    return SCHEME.matcher(path).matches();
  }

  /** The path to put in the configuration: a URI normalized by Hadoop, a local path absolute. */
  public static String absolute(String path) {
    if (isUri(path)) {
      return new Path(path).toString();
    }
    return java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** The directory of {@code file} (absolute or a URI). */
  public static String parent(String file) {
    return new Path(absolute(file)).getParent().toString();
  }

  /** {@code dir/child}, on {@code dir}'s file system. */
  public static String child(String dir, String child) {
    return new Path(absolute(dir), child).toString();
  }
}
