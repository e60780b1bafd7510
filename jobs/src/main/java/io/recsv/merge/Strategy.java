package io.recsv.merge;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * {@code merge.strategy}: how the parts become one file. A journal and a manifest hold CONCAT or COPY, and why.
 */
public enum Strategy {
  /**
   * concat where the file system can (HDFS, parts and output on it, outside an encryption zone), else copy; and
   * copy when the NameNode refuses concat for what the merge cannot arrange (parts in a snapshot).
   */
  AUTO,
  /** HDFS concat: a NameNode edit that links the parts' blocks into one file, no data moved. */
  CONCAT,
  /** One stream through the merge's client, CRC32C computed on the way. */
  COPY;

  /** As the config, the journal and the manifest write it: lower case. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
