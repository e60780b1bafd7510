package io.recsv.fs;

import io.recsv.config.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Keeps recsv's writes and deletes where they belong. A path is judged by where it really leads: with every
 * symbolic link on the way resolved (java.nio on the local file system, {@code FileSystem.resolvePath}
 * elsewhere), so a link inside the output root or the run's directory cannot send a write or a recursive
 * delete outside it.
 */
public final class PathGuard {

  private PathGuard() {}

  /** {@code path} lies below {@code parent} (not equal), comparing Hadoop-normalized paths. */
  public static boolean isStrictlyInside(Path path, Path parent) {
    String p = path.toUri().getPath();
    String d = parent.toUri().getPath();
    if (!sameFileSystem(path, parent)) {
      return false;
    }
    String prefix = d.endsWith("/") ? d : d + "/";
    return p.startsWith(prefix) && p.length() > prefix.length();
  }

  private static boolean sameFileSystem(Path a, Path b) {
    String sa = a.toUri().getScheme();
    String sb = b.toUri().getScheme();
    String aa = a.toUri().getAuthority();
    String ab = b.toUri().getAuthority();
    return (sa == null || sb == null || sa.equals(sb)) && (aa == null || ab == null || aa.equals(ab));
  }

  /**
   * Fails unless {@code path}, resolved, lies strictly inside {@code root}, resolved. {@code what} names the path
   * in the message (e.g. "merge.output"), {@code rootName} the root (e.g. "merge.output-root").
   */
  public static Path requireInside(FileSystem fs, Path path, Path root, String what, String rootName)
      throws IOException {
    Path realRoot = resolve(fs, root);
    Path real = resolve(fs, path);
    if (!isStrictlyInside(real, realRoot)) {
      String via = real.equals(fs.makeQualified(path)) ? "" : " (it resolves to " + real + ")";
      throw new UserError(what + " " + path + via + " is outside " + rootName + " " + root
          + (realRoot.equals(fs.makeQualified(root)) ? "" : " (" + realRoot + ")")
          + "; refusing to write or delete there");
    }
    return real;
  }

  /**
   * The qualified path with the symbolic links of its longest existing prefix resolved; the part that does not
   * exist yet is appended as it is. A dangling link is refused: whatever it will point to is unknown.
   */
  public static Path resolve(FileSystem fs, Path path) throws IOException {
    Path qualified = fs.makeQualified(path);
    if ("file".equals(qualified.toUri().getScheme())) {
      return resolveLocal(qualified);
    }
    Path existing = qualified;
    StringBuilder rest = new StringBuilder();
    while (existing.getParent() != null && !fs.exists(existing)) {
      rest.insert(0, "/" + existing.getName());
      existing = existing.getParent();
    }
    Path real = fs.resolvePath(existing);
    return rest.length() == 0 ? real : new Path(real.toString() + rest);
  }

  private static Path resolveLocal(Path qualified) throws IOException {
    java.nio.file.Path p = java.nio.file.Path.of(qualified.toUri().getPath());  // decoded: any letters
    java.nio.file.Path existing = p;
    while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    java.nio.file.Path real;
    try {
      real = existing.toRealPath();
    } catch (NoSuchFileException e) {
      throw new UserError(existing + " is a symbolic link to nothing (" + Files.readSymbolicLink(existing)
          + "); refusing to write through it");
    }
    return new Path("file", null, real.resolve(existing.relativize(p)).toString());
  }
}
