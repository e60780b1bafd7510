package io.recsv.ops;

import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The retention action's main (workflows/recommendations/retention, an Oozie java action from the release's
 * jar): {@code --run-root R --output-root O --keep-weeks N --keep-csvs M [--apply]}. See {@link Retention}.
 * A failure is thrown, so that Oozie sees the action fail and the kill node reports it.
 */
@Command(name = "RetentionMain", description = "deletes (with --apply) or lists past weeks beyond those kept")
public final class RetentionMain {

  @Option(names = "--run-root", paramLabel = "R", required = true, description = "the runs' intermediates")
  String runRoot;

  @Option(names = "--output-root", paramLabel = "O", required = true, description = "the published CSVs")
  String outputRoot;

  @Option(names = "--keep-weeks", paramLabel = "N", required = true, description = "weeks of intermediates to keep")
  int keepWeeks;

  @Option(names = "--keep-csvs", paramLabel = "M", required = true, description = "published CSVs to keep")
  int keepCsvs;

  @Option(names = "--apply", description = "delete (without it: list only)")
  boolean apply;

  private RetentionMain() {}

  public static void main(String[] args) throws Exception {
    RetentionMain retention = new RetentionMain();
    try {
      new CommandLine(retention).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException("retention: " + e.getMessage(), e);
    }
    Retention.run(new Configuration(), retention.runRoot, retention.outputRoot, retention.keepWeeks,
        retention.keepCsvs, retention.apply, System.out, LocalDate.now(ZoneOffset.UTC));
  }
}
