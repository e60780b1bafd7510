package io.recsv.merge;

import io.recsv.workflow.StageName;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsv.lineage.Lineage;
import io.recsv.fs.Renames;
import io.recsv.run.Version;
import io.recsv.report.Evaluation;
import io.recsv.report.RunReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The manifest published beside the CSV ({@code <csv>.manifest.json}), for the teams that consume it:
 * what the file holds, how to check it, and what it was made from: the lineage of the merge, which holds
 * the chain of every stage output back to the input files (their paths, sizes and times) and each stage's
 * settings. For a reader's convenience the model's and the scorer's parameters, each stage's seconds and the
 * names of the run's report are also given at the top level.
 */
public record CsvManifest(
    String format,
    String file,
    long rows,
    long users,
    long bytes,
    int parts,
    String header,
    List<Column> columns,
    Integer k,
    String normalization,
    int scoreDecimals,
    Strategy strategy,
    String strategyReason,
    String runId,
    String exportId,
    String createdAt,
    String recsvVersion,
    String recsvCommit,
    SortedMap<String, String> model,
    SortedMap<String, String> scorer,
    Map<String, Double> stageSeconds,
    Report report,
    Evaluation evaluation,
    Checksum checksum,
    Lineage lineage) {

  public static final String FORMAT = "recsv-csv/1";

  /** The run's report beside the CSV (file names in the CSV's directory): JSON for programs, HTML for people. */
  public record Report(String json, String html) {}

  /** A column of the CSV: its name and type (int64: a 64-bit integer; decimal: fixed decimals, '.' as point). */
  public record Column(String name, String type) {}

  /** The CSV's columns, as its header names them. */
  static List<Column> columns(String header) {
    return Arrays.stream(header.split(",")).map(name -> new Column(name,
        name.equals("score") ? "decimal" : "int64")).toList();
  }

  /**
   * CRC32C of the whole file (as {@code java.util.zip.CRC32C} or {@code hdfs dfs -checksum} with
   * {@code -Ddfs.checksum.combine.mode=COMPOSITE_CRC} compute it) and how it was established.
   */
  public record Checksum(String algorithm, String value, String verifiedBy) {}

  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // Enums as they spell themselves (the gate's verdict: "pass"), as the report page and consumers read them.
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
      .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  /**
   * The manifest of the CSV {@code journal} plans, verified as {@code verification} says. The scorer's and the
   * model's settings and the stages' seconds come from {@code lineage} (null where there is none: benchmarks).
   */
  static CsvManifest of(Journal journal, Verification verification, Lineage lineage, Evaluation evaluation) {
    Lineage scored = lineage == null ? null : lineage.byStage().get(StageName.SCORE);
    Map<String, String> score = scored == null ? Map.of() : scored.config();
    Lineage trained = lineage == null ? null : lineage.byStage().get(StageName.TRAIN);
    Path csv = new Path(journal.finalPath());
    return new CsvManifest(FORMAT, csv.getName(), journal.rows(), journal.users(), journal.expectedBytes(),
        journal.exportPartCount(), journal.header(), columns(journal.header()),
        score.containsKey("score.k") ? Integer.valueOf(score.get("score.k")) : null, score.get("score.normalization"),
        journal.scoreDecimals(), journal.strategy(), journal.strategyReason(), journal.runId(), journal.exportId(), Instant.now().toString(),
        Version.version(), Version.commit(), trained == null ? null : trained.settings(),
        scored == null ? null : scored.config(), stageSeconds(lineage),
        lineage == null ? null : new Report(RunReport.jsonFor(csv).getName(), RunReport.htmlFor(csv).getName()),
        evaluation, new Checksum("CRC32C", journal.expectedCrc32c(), verification.description()), lineage);
  }

  /** Seconds of each stage before the merge, as their lineage records them (the report has the merge's too). */
  private static Map<String, Double> stageSeconds(Lineage lineage) {
    if (lineage == null) {
      return null;
    }
    Map<String, Double> seconds = new TreeMap<>();
    lineage.byStage().forEach((stage, l) -> {
      if (l != lineage && l.seconds() != null) {
        seconds.put(stage.id(), l.seconds());
      }
    });
    return seconds;
  }

  public static Path pathFor(Path csv) {
    return new Path(csv.getParent(), csv.getName() + ".manifest.json");
  }

  /** Writes it beside the CSV under a temporary name, then renames it into place. */
  void publish(FileSystem fs, Path csv, FsPermission permission) throws IOException {
    Path target = pathFor(csv);
    Path temp = new Path(csv.getParent(), "." + target.getName() + ".tmp");
    write(fs, temp, permission);
    Renames.replace(fs, temp, target);
  }

  void write(FileSystem fs, Path path, FsPermission permission) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      JSON.writeValue(out, this);
    }
    fs.setPermission(path, permission);
  }

  public static CsvManifest readIfExists(FileSystem fs, Path csv) throws IOException {
    Path path = pathFor(csv);
    if (!fs.exists(path)) {
      return null;
    }
    try (InputStream in = fs.open(path)) {
      return JSON.readValue(in, CsvManifest.class);
    }
  }
}
