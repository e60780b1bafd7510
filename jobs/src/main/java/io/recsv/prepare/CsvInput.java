package io.recsv.prepare;

import io.recsv.config.UserError;
import io.recsv.lineage.InputListing;
import io.recsv.lineage.Lineage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * prepare's CSV reader: the input's lines as Hadoop's text input format splits them (any compression codec it
 * knows, any file system), each parsed on its bytes by a {@link CsvLineParser} and handed to the map side of the
 * shuffle ({@link UserBuckets}) as primitives. Spark's CSV reader spent most of prepare's CPU making a String
 * per field and casting it.
 * <p>A bad line fails the task that meets it; only then does {@link #explain} read the input again, to say which
 * file and line, what is wrong, and how many lines are bad. A separate validation pass would read the input twice
 * every week to find nothing.
 */
final class CsvInput implements InteractionInput {

  /** The message a task fails with on a bad line; the driver recognises it and explains. */
  private static final String INVALID_ROW = "recsv: invalid interaction row";
  /** The start of a task's message that is the user's error as it stands (up to the end of its line). */
  private static final String REFUSED = "recsv: refused: ";
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final JavaSparkContext jsc;
  private final CsvLayout layout;
  /** The input's bytes, as listed. */
  private final long bytes;

  private CsvInput(JavaSparkContext jsc, CsvLayout layout, long bytes) {
    this.jsc = jsc;
    this.layout = layout;
    this.bytes = bytes;
  }

  /**
   * The input's layout from its first file's first line (the header, or the field count without one); an input
   * without the configured columns is refused here, naming the columns it has.
   */
  static CsvInput open(JavaSparkContext jsc, InteractionSource source, Lineage.InputFiles files) throws IOException {
    Configuration conf = jsc.hadoopConfiguration();
    String first = null;
    for (Lineage.InputFile f : files.list()) {
      first = f.bytes() == 0 ? null : firstLine(conf, f.path());
      if (first != null) {
        break;
      }
    }
    if (first == null) {
      throw new UserError("prepare.input " + source.input + " has no interactions (" + files.files() + " file"
          + (files.files() == 1 ? "" : "s") + ", " + files.bytes() + " bytes, no line with a value); nothing was"
          + " written");
    }
    byte[] line = first.getBytes(StandardCharsets.UTF_8);
    List<String> columns = names(tokens(source.delimiter, line, line.length));
    if (!source.header) {
      columns = names(new String[columns.size()]);
    }
    int user = column(source, columns, source.userColumn, 0);
    int product = column(source, columns, source.productColumn, 1);
    int weight = source.hasWeight() ? column(source, columns, source.weightColumn, 2) : -1;
    // Positionally the time comes after the weight (MovieLens: user::item::rating::timestamp).
    int time = source.hasTime() ? column(source, columns, source.timeColumn, source.hasWeight() ? 3 : 2) : -1;
    return new CsvInput(jsc, new CsvLayout(source.input, source.delimiter, source.header, List.copyOf(columns), user,
        product, weight, time, source.userColumn, source.productColumn, source.weightColumn, source.timeColumn),
        files.bytes());
  }

  /**
   * {@inheritDoc} Also if a file's header differs from the first file's. Each split is read on its own (its header,
   * its lines); when the input has more splits than {@link #tasks}, a task reads several in turn, as Spark's file
   * sources pack small files: a task per file of an input of thousands would make as many map outputs, each cut
   * into a chunk per block.
   */
  @Override
  public JavaPairRDD<Integer, SortedPairs> chunks(int blocks, PrepareJob.Aggregate aggregate) throws IOException {
    CsvLayout l = layout;
    JavaRDD<ParsedRows> parsed = lines().mapPartitionsWithInputSplit(
        (split, lines) -> parsed(l, (FileSplit) split, lines), true);
    int tasks = tasks();
    if (parsed.getNumPartitions() > tasks) {
      parsed = parsed.coalesce(tasks);  // no shuffle: a task takes splits whose data is where it runs
    }
    return JavaPairRDD.fromJavaRDD(parsed.mapPartitions(batches -> {
      UserBuckets buckets = new UserBuckets(blocks, aggregate, l.hasTime());
      batches.forEachRemaining(batch -> batch.addTo(buckets));
      return buckets.chunks().iterator();
    }));
  }

  /**
   * Tasks to read the input with: one per block of its file system (what Hadoop splits a large file by: 128 MiB on
   * HDFS, 32 MiB locally) of the input's bytes, and at least one per core. An input of large files has no more
   * splits than that, and keeps them all.
   */
  private int tasks() throws IOException {
    Path input = new Path(layout.input());
    long block = Math.max(1, input.getFileSystem(jsc.hadoopConfiguration()).getDefaultBlockSize(input));
    return (int) Math.max(jsc.defaultParallelism(), Math.min(Integer.MAX_VALUE, (bytes + block - 1) / block));
  }

  /** A split's valid rows, a batch at a time as they are asked for; a bad line fails the task. */
  private static Iterator<ParsedRows> parsed(CsvLayout l, FileSplit split, Iterator<Tuple2<LongWritable, Text>> lines) {
    SplitReader reader = new SplitReader(l, split);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return lines.hasNext();
      }

      @Override
      public ParsedRows next() {
        ParsedRows batch = new ParsedRows(l.hasTime());
        reader.read(lines, (parser, problem, line) -> {
          if (problem != null) {
            throw new IllegalArgumentException(INVALID_ROW);
          }
          batch.add(parser);
        }, batch::full);
        return batch;
      }
    };
  }

  /** A bad line (file, line number, value, how many), or a file whose header differs; else null. */
  @Override
  public UserError explain(Throwable failure) throws IOException {
    String refused = find(failure, REFUSED);
    if (refused != null) {
      String text = refused.substring(refused.indexOf(REFUSED) + REFUSED.length());
      int end = text.indexOf('\n');
      return new UserError(end > 0 ? text.substring(0, end) : text);
    }
    return find(failure, INVALID_ROW) == null ? null : audit();
  }

  /** One split's bad lines: how many, and the first (its file, the split's offset, its text, what is wrong). */
  private record Bad(long count, String file, long offset, String line, String problem) implements Serializable {}

  /** Reads the input again to name the first bad line and count them all. */
  private UserError audit() throws IOException {
    CsvLayout l = layout;
    List<Bad> bad = lines().mapPartitionsWithInputSplit((split, lines) -> {
      FileSplit fileSplit = (FileSplit) split;
      List<Bad> first = new ArrayList<>(1);
      long[] count = {0};
      new SplitReader(l, fileSplit).read(lines, (parser, problem, line) -> {
        if (problem != null && count[0]++ == 0) {
          String text = new String(line.getBytes(), 0, line.getLength(), StandardCharsets.UTF_8);
          first.add(new Bad(0, fileSplit.getPath().toString(), fileSplit.getStart(), text,
              describe(l, problem, parser.fields(), text)));
        }
      });
      return first.stream().map(b -> new Bad(count[0], b.file(), b.offset(), b.line(), b.problem())).iterator();
    }, true).collect();
    if (bad.isEmpty()) {  // the input changed while the stage ran
      return new UserError("prepare.input: " + layout.input() + " had an invalid row while it was read, but none"
          + " now; was it being written? Nothing was written");
    }
    long count = bad.stream().mapToLong(Bad::count).sum();
    Bad first = bad.stream().min(Comparator.comparing(Bad::file).thenComparingLong(Bad::offset)).orElseThrow();
    long line = lineOf(jsc.hadoopConfiguration(), first.file(), first.line());
    String where = first.file() + (line > 0 ? " line " + line : " (line not found: the file changed since it was read)");
    return new UserError("prepare.input: " + where + ": " + first.problem() + " (" + count + " invalid row"
        + (count == 1 ? "" : "s") + " in " + layout.input() + "; nothing was written)");
  }

  private static String describe(CsvLayout l, Problem problem, String[] fields, String line) {
    return switch (problem) {
      case FIELD_COUNT -> "the row has " + fields.length + " fields, not " + l.expectedFields() + ": '" + line + "'";
      case USER -> problem.about(l.userName(), fields[l.user()]);
      case PRODUCT -> problem.about(l.productName(), fields[l.product()]);
      case TIME -> problem.about(l.timeName(), fields[l.time()]);
      case WEIGHT_NOT_FINITE, WEIGHT_RANGE -> problem.about(l.weightName(), fields[l.weight()]);
    };
  }

  /** What a task does with each line that is not blank and not a header: parsed, or the problem. */
  @FunctionalInterface
  private interface LineHandler {
    void line(CsvLineParser parser, Problem problem, Text line);
  }

  /** One split's lines: a file's header checked against the first file's, blank lines skipped, the rest parsed. */
  private static final class SplitReader {
    private final CsvLayout layout;
    private final FileSplit split;
    private final CsvLineParser parser;
    private final boolean atStart;
    private boolean headerDue;

    SplitReader(CsvLayout layout, FileSplit split) {
      this.layout = layout;
      this.split = split;
      this.parser = new CsvLineParser(layout);
      this.atStart = split.getStart() == 0;
      this.headerDue = layout.header() && atStart;
    }

    void read(Iterator<Tuple2<LongWritable, Text>> lines, LineHandler handler) {
      read(lines, handler, () -> false);
    }

    /** Reads lines until there are no more or {@code stop} says so (asked after each parsed line). */
    void read(Iterator<Tuple2<LongWritable, Text>> lines, LineHandler handler, BooleanSupplier stop) {
      while (lines.hasNext()) {
        Tuple2<LongWritable, Text> next = lines.next();
        Text line = next._2();
        if (atStart && next._1().get() == 0 && startsWithBom(line)) {
          line = new Text(Arrays.copyOfRange(line.getBytes(), BOM.length, line.getLength()));
        }
        if (CsvLineParser.blank(line.getBytes(), line.getLength())) {
          continue;
        }
        if (headerDue) {
          headerDue = false;
          checkHeader(tokens(layout.delimiter(), line.getBytes(), line.getLength()));
          continue;
        }
        handler.line(parser, parser.parse(line.getBytes(), line.getLength()), line);
        if (stop.getAsBoolean()) {
          return;
        }
      }
    }

    private void checkHeader(String[] header) {
      List<String> names = names(header);
      boolean same = names.size() == layout.columns().size();
      for (int i = 0; same && i < names.size(); i++) {
        same = names.get(i).equalsIgnoreCase(layout.columns().get(i));
      }
      if (!same) {
        throw new IllegalArgumentException(REFUSED + "prepare.input: " + split.getPath() + ": its header ("
            + String.join(", ", names) + ") differs from the first file's (" + String.join(", ", layout.columns())
            + "); every file of " + layout.input() + " must name the same columns in the same order. Nothing was"
            + " written");
      }
    }

    private static boolean startsWithBom(Text line) {
      return line.getLength() >= BOM.length && line.getBytes()[0] == BOM[0] && line.getBytes()[1] == BOM[1]
          && line.getBytes()[2] == BOM[2];
    }
  }

  /** The input's lines, split as Hadoop's text input format splits files; a file's first line is at offset 0. */
  private JavaNewHadoopRDD<LongWritable, Text> lines() throws IOException {
    Job job = Job.getInstance(jsc.hadoopConfiguration());
    FileInputFormat.setInputPaths(job, new Path(layout.input()));
    FileInputFormat.setInputDirRecursive(job, true);
    return (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopRDD(job.getConfiguration(),
        ListedTextInputFormat.class, LongWritable.class, Text.class);
  }

  /**
   * Hadoop's text input format, but that on the local file system it lists the input as {@link InputListing} does:
   * Hadoop's listing there reads every file's permissions, a process started per file without Hadoop's native
   * library, and a local file's block locations cost nothing to ask for afterwards. Elsewhere it lists as Hadoop
   * does (HDFS sends the block locations with the listing).
   */
  public static final class ListedTextInputFormat extends TextInputFormat {
    @Override
    protected List<FileStatus> listStatus(JobContext job) throws IOException {
      List<FileStatus> files = new ArrayList<>();
      for (Path input : getInputPaths(job)) {
        FileSystem fs = input.getFileSystem(job.getConfiguration());
        if (!(fs instanceof LocalFileSystem)) {
          return super.listStatus(job);
        }
        List<FileStatus> listed = InputListing.statuses(fs, input);
        if (listed == null) {
          throw new IOException("Input path does not exist: " + input);
        }
        files.addAll(listed);
      }
      return files;
    }
  }

  /** A line's fields as Spark's CSV tokenizer gives them (null for an empty one). */
  private static String[] tokens(String delimiter, byte[] line, int length) {
    CsvLineParser parser = new CsvLineParser(new CsvLayout("", delimiter, false, List.of(), 0, 1, -1, -1, "", "", "",
        ""));
    parser.split(line, length);
    return parser.fields();
  }

  /** A header's names: an empty one is {@code _cN}, as Spark names it. */
  private static List<String> names(String[] header) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < header.length; i++) {
      names.add(header[i] == null ? "_c" + i : header[i]);
    }
    return names;
  }

  private static int column(InteractionSource source, List<String> columns, String name, int position) {
    if (!source.header) {
      if (position >= columns.size()) {
        throw new UserError("prepare.input " + source.input + ": expected at least " + (position + 1)
            + " columns (user, product[, weight]) per line, found " + columns.size());
      }
      return position;
    }
    int at = columns.indexOf(name);
    if (at < 0) {
      throw new UserError("prepare.input " + source.input + ": no column '" + name + "' (columns found: "
          + String.join(",", columns) + "); set prepare.columns.* or prepare.csv.* to match the input");
    }
    if (columns.lastIndexOf(name) != at) {
      throw new UserError("prepare.input " + source.input + ": the header names column '" + name + "' twice ("
          + String.join(",", columns) + ")");
    }
    return at;
  }

  /** The first line of a file that is not blank (its byte order mark removed), or null. */
  private static String firstLine(Configuration conf, String file) throws IOException {
    try (BufferedReader in = open(conf, file)) {
      String line;
      while ((line = in.readLine()) != null) {
        line = withoutBom(line);
        if (!line.trim().isEmpty()) {
          return line;
        }
      }
      return null;
    }
  }

  /**
   * The 1-based number of the first line of {@code file} that reads {@code text}. The first bad line of a split
   * is the file's first line with its text (the same text is as bad), so a scan of the one file at fault finds
   * it. Runs only on the error path: the text input format gives byte offsets, not line numbers.
   */
  private static long lineOf(Configuration conf, String file, String text) {
    try (BufferedReader in = open(conf, file)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if ((number == 1 ? withoutBom(line) : line).equals(text)) {
          return number;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Decompressed as the text input format reads it (gzip, bzip2, ... by the file's extension). */
  private static BufferedReader open(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    InputStream in = fs.open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static String withoutBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  private static String find(Throwable failure, String marker) {
    return ExceptionUtils.getThrowableList(failure).stream().map(Throwable::getMessage)
        .filter(m -> m != null && m.contains(marker)).findFirst().orElse(null);
  }
}
