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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Runs in a task: writes one partition's users as one CSV part ({@code user_id,product_id,score\n}; no header,
 * but in part 0 when the CSV is to be composed on an object store), counting rows, users, bytes, CRC32C (and for a
 * compose, MD5) on the way. A user arrives as one row, its products and scores in rank order; its lines are
 * written ordered by printed score (descending), then product id (ascending), so the order is exactly the CSV
 * contract's even where rounding makes two scores equal. Product ids come from a broadcast array, at their index.
 * <p>The task attempt writes a private file and renames it to the part's name when complete, so a failed or
 * speculative attempt never leaves a partial part behind.
 */
final class PartWriter implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private static final int FLUSH_AT = 1 << 20;

  private final SerializableConfiguration conf;
  private final String partsDir;
  private final ScoreFormat format;
  /** The header line that begins part 0, or null: the merge writes it (and no MD5 is needed: no compose). */
  private final String header;
  private final Broadcast<long[]> productIds;

  PartWriter(SerializableConfiguration conf, String partsDir, int scoreDecimals, String headerInFirstPart,
      Broadcast<long[]> productIds) {
    this.productIds = productIds;
    this.conf = conf;
    this.partsDir = partsDir;
    this.format = new ScoreFormat(scoreDecimals);
    this.header = headerInFirstPart;
  }

  /**
   * @param lists the part's users, one row each (user_index, products, scores), by user index ascending
   * @param userIds (user_index, user_id) for at least the part's users
   */
  ExportManifest.Part write(int index, Iterator<InternalRow> lists, Iterator<InternalRow> userIds)
      throws IOException {
    Map<Integer, Long> idOf = new HashMap<>();
    while (userIds.hasNext()) {
      InternalRow row = userIds.next();
      Long other = idOf.put(row.getInt(0), row.getLong(1));
      if (other != null) {
        // Either id could be printed for the user's rows: refused, never a guess.
        throw new IllegalStateException(String.format("prepare's user dictionary gives user index %d two ids, %d"
            + " and %d; rerun from 'prepare'", row.getInt(0), other, row.getLong(1)));
      }
    }
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
      long[] ids = productIds.value();
      UserRows user = new UserRows();
      while (lists.hasNext()) {
        InternalRow row = lists.next();
        ArrayData products = row.getArray(1);
        ArrayData scores = row.getArray(2);
        int n = products.numElements();
        if (n != scores.numElements()) {
          throw new IllegalStateException("score's row of user index " + row.getInt(0) + " has " + n
              + " products and " + scores.numElements() + " scores");
        }
        Long id = idOf.get(row.getInt(0));
        if (id == null) {
          // Not in prepare's dictionary: no id to print. Left out here, and counted out by export's check of the
          // rows against score's, which refuses the export naming the stage to rerun.
          continue;
        }
        user.start(id, n);
        for (int i = 0; i < n; i++) {
          int product = products.getInt(i);
          if (product < 0 || product >= ids.length) {
            throw new IllegalStateException(String.format("score's product index %d is not in prepare's"
                + " dictionary of %,d products", product, ids.length));
          }
          user.add(ids[product], format.scaled(scores.getFloat(i)));
        }
        if (n > 0) {
          user.writeTo(sink, format);
        }
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
    long userId;
    int count;
    long[] productIds = new long[128];
    long[] scaled = new long[128];
    /** The user's id as text, rendered once for all of its lines. */
    private final byte[] userText = new byte[20];

    void start(long user, int rows) {
      if (rows > productIds.length) {
        productIds = new long[rows];
        scaled = new long[rows];
      }
      userId = user;
      count = 0;
    }

    void add(long product, long score) {
      if (count > 0 && score > scaled[count - 1]) {
        throw new IllegalStateException("rows of user " + userId + " are not in rank order");
      }
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
      int userLength = Ascii.appendLong(userId, userText, 0);
      for (int i = 0; i < count; i++) {
        sink.row(userText, userLength, productIds[i], scaled[i], format);
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

    void row(byte[] user, int userLength, long product, long scaled, ScoreFormat format) throws IOException {
      System.arraycopy(user, 0, buf, pos, userLength);
      pos += userLength;
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
