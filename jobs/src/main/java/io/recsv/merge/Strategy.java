package io.recsv.merge;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * {@code merge.strategy}: how the parts become one file. A journal and a manifest hold the method taken (CONCAT,
 * COMPOSE or COPY), and why.
 */
public enum Strategy {
  /**
   * The best the file systems offer: concat on HDFS (parts and output on it, outside an encryption zone),
   * compose on S3 (parts and output on it), else copy; and copy when the NameNode refuses concat for what the
   * merge cannot arrange (parts in a snapshot).
   */
  AUTO,
  /** HDFS concat: a NameNode edit that links the parts' blocks into one file, no data moved. */
  CONCAT,
  /** S3: a multipart upload of server-side copies of the parts (UploadPartCopy); no byte through the merge. */
  COMPOSE,
  /** One stream through the merge's client, CRC32C computed on the way. */
  COPY;

  /** As the config, the journal and the manifest write it: lower case. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
