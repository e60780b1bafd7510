package io.recsv.export;

import io.recsv.fs.Crc32c;
import io.recsv.lineage.ExportManifest;
import io.recsv.fs.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Runs in a task: writes one partition's rows as one CSV part ({@code user_id,product_id,score\n}; no header,
 * but in part 0 when the CSV is to be composed on an object store), counting rows, users, bytes, CRC32C (and for a
 * compose, MD5) on the way. Rows arrive grouped by user in rank order; each
 * user's rows are written ordered by printed score (descending), then product id (ascending), so the order
 * is exactly the CSV contract's even where rounding makes two scores equal.
 * <p>The task attempt writes a private file and renames it to the part's name when complete, so a failed or
 * speculative attempt never leaves a partial part behind.
 */
final class PartWriter implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** Input columns, in this order. */
  static final String[] COLUMNS = {"user_index", "user_id", "product_id", "score"};

  private static final int FLUSH_AT = 1 << 20;

  private final SerializableConfiguration conf;
  private final String partsDir;
  private final ScoreFormat format;
  /** The header line that begins part 0, or null: the merge writes it (and no MD5 is needed: no compose). */
  private final String header;

  PartWriter(SerializableConfiguration conf, String partsDir, int scoreDecimals, String headerInFirstPart) {
    this.conf = conf;
    this.partsDir = partsDir;
    this.format = new ScoreFormat(scoreDecimals);
    this.header = headerInFirstPart;
  }

  ExportManifest.Part write(int index, Iterator<InternalRow> rows) throws IOException {
    Path dir = new Path(partsDir);
    FileSystem fs = HadoopConf.forWriting(dir, conf.value());
    String name = ExportManifest.partName(index);
    TaskContext task = TaskContext.get();
    String attempt = task == null ? "local" : task.stageAttemptNumber() + "-" + task.taskAttemptId();
    Path temp = new Path(new Path(dir, "_attempts"), name + "." + attempt);
    Path part = new Path(dir, name);

    Sink sink;
    try (OutputStream out = fs.create(temp, true, 1 << 16)) {
      sink = new Sink(out, header != null);
      if (index == 0 && header != null) {
        sink.line(header);
      }
      UserRows user = new UserRows();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        int userIndex = row.getInt(0);
        if (user.count > 0 && userIndex != user.index) {
          user.writeTo(sink, format);
        }
        user.add(userIndex, row.getLong(1), row.getLong(2), format.scaled(row.getFloat(3)));
      }
      if (user.count > 0) {
        user.writeTo(sink, format);
      }
      sink.flush();
    }
    if (fs.exists(part) && !fs.delete(part, false)) {
      throw new IOException("cannot replace " + part);
    }
    if (!fs.rename(temp, part)) {
      throw new IOException("cannot rename " + temp + " to " + part);
    }
    return new ExportManifest.Part(index, name, sink.rows, sink.users, sink.bytes, Crc32c.hex((int) sink.crc.getValue()),
        sink.md5 == null ? null : HexFormat.of().formatHex(sink.md5.digest()));
  }

  /**
   * One user's rows. They arrive in rank order, so printed scores never increase; only a run of equal printed
   * scores can be out of product-id order, and sorting each such run is all the re-ordering needed.
   */
  private static final class UserRows {
    int index;
    long userId;
    int count;
    long[] productIds = new long[128];
    long[] scaled = new long[128];

    void add(int userIndex, long user, long product, long score) {
      if (count == productIds.length) {
        productIds = Arrays.copyOf(productIds, count * 2);
        scaled = Arrays.copyOf(scaled, count * 2);
      }
      if (count > 0 && score > scaled[count - 1]) {
        throw new IllegalStateException("rows of user " + user + " are not in rank order");
      }
      index = userIndex;
      userId = user;
      productIds[count] = product;
      scaled[count] = score;
      count++;
    }

    void writeTo(Sink sink, ScoreFormat format) throws IOException {
      for (int from = 0, to; from < count; from = to) {
        to = from + 1;
        while (to < count && scaled[to] == scaled[from]) {
          to++;
        }
        Arrays.sort(productIds, from, to);
      }
      for (int i = 0; i < count; i++) {
        sink.row(userId, productIds[i], scaled[i], format);
      }
      sink.users++;
      count = 0;
    }
  }

  /** A byte buffer in front of the stream, checksummed (CRC32C, MD5) and counted as it is flushed. */
  private static final class Sink {
    final OutputStream out;
    final byte[] buf = new byte[FLUSH_AT + 128];
    final CRC32C crc = new CRC32C();
    /** Only for a compose on S3, where S3's ETag of a copied part is checked against it; else null. */
    final MessageDigest md5;
    int pos;
    long rows;
    long users;
    long bytes;

    Sink(OutputStream out, boolean md5) {
      this.out = out;
      this.md5 = md5 ? md5() : null;
    }

    void row(long user, long product, long scaled, ScoreFormat format) throws IOException {
      pos = Ascii.appendLong(user, buf, pos);
      buf[pos++] = ',';
      pos = Ascii.appendLong(product, buf, pos);
      buf[pos++] = ',';
      pos = format.append(scaled, buf, pos);
      buf[pos++] = '\n';
      rows++;
      if (pos >= FLUSH_AT) {
        flush();
      }
    }

    void line(String text) {
      byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
      System.arraycopy(bytes, 0, buf, pos, bytes.length);
      pos += bytes.length;
    }

    void flush() throws IOException {
      out.write(buf, 0, pos);
      crc.update(buf, 0, pos);
      if (md5 != null) {
        md5.update(buf, 0, pos);
      }
      bytes += pos;
      pos = 0;
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has MD5", e);
    }
  }
}
