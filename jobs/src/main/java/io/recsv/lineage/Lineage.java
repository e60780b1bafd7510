package io.recsv.lineage;

import io.recsv.config.UserError;
import io.recsv.fs.FileTree;
import io.recsv.workflow.StageName;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a stage's output was made from, written into the output directory ({@code _lineage.json}) before it is
 * published: a fresh id, the run id, the stage's configured settings (and their hash) and any it ran with in their
 * place (train: evaluate's choice), for prepare the identity
 * of its input files, and the lineage of every stage output it read. So the record of export's output holds the
 * whole chain back to the input, and the published manifest carries it.
 * <p>Before a stage uses its inputs it checks that they chain: every output it reads, directly or through
 * another, must agree on which output of each earlier stage the run is made of. A rerun of prepare alone
 * gives prepare's output a new id, so a score computed from the model of the old one no longer chains with it,
 * and export refuses to join them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Lineage(
    String format,
    String stage,
    String id,
    String runId,
    String startedAt,
    String createdAt,
    String configHash,
    SortedMap<String, String> config,
    SortedMap<String, String> chosen,
    InputFiles input,
    Counts counts,
    List<OutputFile> files,
    List<String> manifested,
    List<Lineage> upstream) {

  /**
   * 3: a record names its output's files and counts (1 named neither, 2 no counts: such an output cannot vouch
   * for itself and is refused).
   */
  public static final String FORMAT = "recsv-lineage/3";
  public static final String FILE = "_lineage.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The record of a stage's new output, from its settings and the (chained) lineage of what it read. */
  public static Lineage of(StageName stage, Instant started, RunLayout layout, Config config,
      List<Lineage> upstream, InputFiles input) {
    SortedMap<String, String> values = settingsOf(config, stage);
    return new Lineage(FORMAT, stage.id(), UUID.randomUUID().toString(), layout.runId(), started.toString(),
        Instant.now().toString(), hash(values), values, null, input, Counts.NONE, null, null,
        upstream.stream().map(u -> u.withFiles(null, null)).toList());
  }

  /**
   * This record with the settings the stage ran with in place of its config's ({@code chosen}; train: the settings
   * evaluate chose, empty: none). {@code config} stays what the stage was configured with, which a rerun compares.
   */
  public Lineage withChosen(SortedMap<String, String> chosen) {
    return new Lineage(format, stage, id, runId, startedAt, createdAt, configHash, config,
        chosen.isEmpty() ? null : new TreeMap<>(chosen), input, counts, files, manifested, upstream);
  }

  /** The settings the stage ran with: its config's, with what was {@link #withChosen chosen} in their place. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public SortedMap<String, String> settings() {
    SortedMap<String, String> all = new TreeMap<>(config);
    if (chosen != null) {
      all.putAll(chosen);
    }
    return all;
  }

  /** This record with the counts of its output (as the stage wrote it). */
  public Lineage withCounts(Counts counts) {
    return new Lineage(format, stage, id, runId, startedAt, createdAt, configHash, config, chosen, input, counts,
        files, manifested, upstream);
  }

  /**
   * This record naming {@code files}, the output's files (null: none, as in the copies of it that later records
   * carry: each output vouches for its own files, where it lies), except those under the directories
   * {@code manifested}, which a manifest of the stage's names instead (export's parts: its manifest.json names
   * them with their lengths and CRC32C, and the merge, which checks them, consumes them).
   */
  public Lineage withFiles(List<OutputFile> files, List<String> manifested) {
    return new Lineage(format, stage, id, runId, startedAt, createdAt, configHash, config, chosen, input, counts,
        files == null ? null : List.copyOf(files), manifested == null ? null : List.copyOf(manifested), upstream);
  }

  /** One file of a stage's output: its path inside the output directory and its length. */
  public record OutputFile(String name, long bytes) {}

  /** The files in {@code dir}, but this record and its checksum and what lies under {@code manifested}, by name. */
  public static List<OutputFile> listFiles(FileSystem fs, Path dir, List<String> manifested) throws IOException {
    String prefix = fs.makeQualified(dir).toUri().getPath() + "/";
    List<OutputFile> files = new ArrayList<>();
    for (org.apache.hadoop.fs.FileStatus f : FileTree.files(fs, dir, FileTree.Names.ALL)) {
      String name = f.getPath().toUri().getPath().substring(prefix.length());
      if (!name.equals(FILE) && !name.equals("." + FILE + ".crc")
          && manifested.stream().noneMatch(d -> name.startsWith(d + "/"))) {
        files.add(new OutputFile(name, f.getLen()));
      }
    }
    files.sort(java.util.Comparator.comparing(OutputFile::name));
    return files;
  }

  /**
   * Fails, naming the output, the file and what differs, unless {@code dir} holds exactly the files its record
   * names, each of the recorded length: a file deleted, truncated, replaced or added after the output was
   * published makes it another output than the one its lineage describes. A listing, not a read of the data.
   */
  void requireFiles(FileSystem fs, Path dir) throws IOException {
    Map<String, Long> there = new TreeMap<>();
    for (OutputFile f : listFiles(fs, dir, manifested == null ? List.of() : manifested)) {
      there.put(f.name(), f.bytes());
    }
    String damage = null;
    for (OutputFile f : files) {
      Long bytes = there.remove(f.name());
      if (bytes == null) {
        damage = f.name() + " is missing (recorded: " + f.bytes() + " bytes)";
      } else if (bytes != f.bytes()) {
        damage = f.name() + " has " + bytes + " bytes, not the " + f.bytes() + " recorded";
      }
      if (damage != null) {
        break;
      }
    }
    if (damage == null && !there.isEmpty()) {
      damage = there.keySet().iterator().next() + " is there, but not in the record";
    }
    if (damage != null) {
      throw new UserError("the '" + stage + "' output " + dir + " is not what it was when published: " + damage
          + " (of " + files.size() + " files recorded in " + FILE + "); rerun from '" + stage + "' (./recsv run ..."
          + " --from " + stage + ")");
    }
  }

  /**
   * The seconds the record in {@code dir} holds, or null when there is none to read: an estimate of an earlier
   * week's time for a budget, not a check of the output (that is {@link #read}'s).
   */
  public static Double secondsIfRecorded(FileSystem fs, Path dir) {
    try (InputStream in = fs.open(new Path(dir, FILE))) {
      return JSON.readValue(in, Lineage.class).seconds();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Seconds from the stage's start to this record (its output complete); null where the start is unknown. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public Double seconds() {
    return startedAt == null ? null
        : java.time.Duration.between(Instant.parse(startedAt), Instant.parse(createdAt)).toMillis() / 1000.0;
  }

  /**
   * The settings of {@code stage} that shape its output: every key under {@code <stage>.}, except the paths of
   * its own output (they follow from the run's directory).
   */
  public static SortedMap<String, String> settingsOf(Config config, StageName stage) {
    SortedMap<String, String> values = new TreeMap<>();
    if (!config.hasPath(stage.id())) {
      return values;
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig(stage.id()).entrySet()) {
      String key = e.getKey();
      if (key.equals("output") || key.endsWith(".output") || key.equals("checkpoint-dir")) {
        continue;
      }
      values.put(stage + "." + key, String.valueOf(e.getValue().unwrapped()));
    }
    return values;
  }

  static String hash(SortedMap<String, String> values) {
    return sha256(values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), 8);
  }

  /** The first {@code bytes} bytes of the SHA-256 of these lines, in hex. */
  static String sha256(List<String> lines, int bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String line : lines) {
        sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stage whose output this record describes. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public StageName stageName() {
    return StageName.of(stage);
  }

  /** This record and every record it was made from, by stage (the first found for each). */
  public Map<StageName, Lineage> byStage() {
    Map<StageName, Lineage> all = new LinkedHashMap<>();
    collect(this, all);
    return all;
  }

  private static void collect(Lineage l, Map<StageName, Lineage> into) {
    into.putIfAbsent(l.stageName(), l);
    for (Lineage u : l.upstream() == null ? List.<Lineage>of() : l.upstream()) {
      collect(u, into);
    }
  }

  /** "prepare output 1b2c3d4e (made 2026-11-24T10:00:00Z from in.csv)", to the second. */
  public String describe() {
    return stage + " output " + id.substring(0, 8) + " (made " + Instant.parse(createdAt).truncatedTo(ChronoUnit.SECONDS)
        + (input != null ? " from " + input.path() : "") + ")";
  }

  public void write(FileSystem fs, Path dir) throws IOException {
    try (OutputStream out = fs.create(new Path(dir, FILE), true)) {
      JSON.writeValue(out, this);
    }
  }

  /** The lineage of {@code stage}'s output in {@code dir}; a missing output or record is a clear error. */
  public static Lineage read(Configuration conf, Path dir, StageName stage) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      throw new UserError(dir + " does not exist: run the '" + stage + "' stage of this run first"
          + " (same run.root and run.id)");
    }
    Lineage lineage;
    try (InputStream in = fs.open(new Path(dir, FILE))) {
      lineage = JSON.readValue(in, Lineage.class);
    } catch (FileNotFoundException e) {
      throw new UserError(dir + " has no lineage record (" + FILE + "): it was not made by this version of"
          + " recsv's '" + stage + "' stage, so what it was made from is unknown; rerun from '" + stage + "'");
    } catch (IOException e) {
      throw new UserError("the lineage record " + new Path(dir, FILE) + " is not valid (" + e.getMessage()
          + "); rerun from '" + stage + "'", e);
    }
    if (!FORMAT.equals(lineage.format()) || !stage.id().equals(lineage.stage()) || lineage.files() == null
        || lineage.counts() == null) {
      throw new UserError(new Path(dir, FILE) + " is not a " + FORMAT + " record of a '" + stage
          + "' output; rerun from '" + stage + "'");
    }
    lineage.requireFiles(fs, dir);
    return lineage;
  }

  /**
   * Reads the outputs of {@code stages} that {@code consumer} is about to use, and checks that they are of this
   * run and chain: no two of them were made from different outputs of the same earlier stage.
   */
  public static List<Lineage> readChained(Configuration conf, RunLayout layout, String consumer,
      List<StageName> stages) throws IOException {
    List<Lineage> inputs = new ArrayList<>();
    for (StageName stage : stages) {
      Lineage l = read(conf, layout.stageDir(stage), stage);
      if (!layout.runId().equals(l.runId())) {
        throw new UserError(layout.stageDir(stage) + " was made by run '" + l.runId() + "', not run '"
            + layout.runId() + "'; " + consumer + " uses only outputs of its own run: rerun from '" + stage + "'");
      }
      inputs.add(l);
    }
    checkChained(consumer, inputs);
    return inputs;
  }

  /** Fails, naming both outputs and the stage to rerun from, if two inputs disagree about an earlier stage. */
  static void checkChained(String consumer, List<Lineage> inputs) {
    Map<StageName, Found> seen = new LinkedHashMap<>();
    for (Lineage input : inputs) {
      for (Lineage l : input.byStage().values()) {
        Found now = new Found(l, input);
        Found before = seen.putIfAbsent(l.stageName(), now);
        if (before == null || before.record().id().equals(l.id())) {
          continue;
        }
        // The output that is in the run's directory now is the fresh one; what was made from another is stale.
        Found stale = now.isDirect() ? before : now;
        Found fresh = stale == now ? before : now;
        String from = firstConsumerOf(stale.via(), l.stage(), stale.record().id());
        from = from == null ? l.stage() : from;
        throw new UserError(consumer + ": its inputs are not of one run: " + fresh + ", but " + stale
            + ". Rerun from '" + from + "' so that every stage works from the same data (./recsv run ... --from "
            + from + ")");
      }
    }
  }

  /** A record found in the chain of the input {@code via} (itself, when direct). */
  private record Found(Lineage record, Lineage via) {
    boolean isDirect() {
      return record == via;
    }

    @Override
    public String toString() {
      return isDirect() ? "the " + record.describe() + " is there now"
          : "the " + via.describe() + " was made from " + record.describe();
    }
  }

  /**
   * The earliest stage in {@code root}'s chain that read {@code stage}'s output {@code id} directly: deeper in the
   * chain is earlier in the pipeline, so the search looks below before it looks here.
   */
  private static String firstConsumerOf(Lineage root, String stage, String id) {
    List<Lineage> ups = root.upstream() == null ? List.of() : root.upstream();
    for (Lineage u : ups) {
      String found = firstConsumerOf(u, stage, id);
      if (found != null) {
        return found;
      }
    }
    for (Lineage u : ups) {
      if (u.stage().equals(stage) && u.id().equals(id)) {
        return root.stage();
      }
    }
    return null;
  }

  /** The files prepare read: enough to tell whether the input is still the same. */
  public record InputFiles(String path, int files, long bytes, String fingerprint, List<InputFile> list) {}

  /** One input file as the file system describes it. */
  public record InputFile(String path, long bytes, long modified) {}
}
