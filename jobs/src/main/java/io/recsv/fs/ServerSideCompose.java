package io.recsv.fs;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Where the CSV can be assembled on an object store's servers, and the store's rules for it. On S3 (s3a) an object
 * is composed by a multipart upload whose parts are copies of existing objects (UploadPartCopy): every part but
 * the last at least 5 MiB, none over 5 GiB, at most 10,000. Export sizes its parts by these rules and the merge
 * composes by them; this class is the one place both read them from.
 */
public final class ServerSideCompose {

  /** The smallest part but the last that S3 accepts (EntityTooSmall below it). */
  public static final long MIN_PART = 5L << 20;
  /** The largest part S3 copies or accepts. */
  public static final long MAX_PART = 5L << 30;
  /** Parts of one multipart upload, at most. */
  public static final int MAX_PARTS = 10_000;

  private ServerSideCompose() {}

  /**
   * Whether the CSV at {@code csv} can be composed from parts under {@code parts} on the store's servers: both on
   * S3 through s3a (copies within one S3 endpoint). Any other pair is merged by concat or the verified copy.
   */
  public static boolean applies(Path parts, Path csv, Configuration conf) throws IOException {
    return isS3(qualified(parts, conf)) && isS3(qualified(csv, conf));
  }

  /** A path without a scheme is on the default file system (fs.defaultFS), which may be S3. */
  private static Path qualified(Path path, Configuration conf) throws IOException {
    return path.toUri().getScheme() != null ? path : path.getFileSystem(conf).makeQualified(path);
  }

  private static boolean isS3(Path path) {
    String scheme = path.toUri().getScheme();
    return scheme != null && scheme.toLowerCase(Locale.ROOT).equals("s3a");
  }

  /**
   * How many export parts make a legal compose of about {@code minBytes} to {@code maxBytes} of CSV, as near to
   * {@code wanted} as the rules allow: few enough that even the smallest estimate leaves each part twice S3's
   * minimum (hash partitions differ in size by a few percent, so a margin of 2 keeps every one above it), at most
   * S3's part count, and enough that the largest estimate keeps each below half S3's maximum. Where the two
   * bounds cross (more than 10,000 x 2.5 GiB) the count is S3's maximum, and the merge splits the parts that are
   * too large into ranges.
   */
  public static int partsFor(int wanted, long minBytes, long maxBytes) {
    long fewest = Math.max(1, ceilDiv(maxBytes, MAX_PART / 2));
    long most = Math.max(1, Math.min(MAX_PARTS, minBytes / (2 * MIN_PART)));
    return (int) Math.min(most, Math.max(fewest, wanted));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
