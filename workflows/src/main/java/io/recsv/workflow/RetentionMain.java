package io.recsv.workflow;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The retention action's main (workflows/recommendations/retention, an Oozie java action from the release's
 * jar): {@code --run-root R --output-root O --keep-weeks N --keep-csvs M [--apply]}. See {@link Retention}.
 * A failure is thrown, so that Oozie sees the action fail and the kill node reports it.
 */
public final class RetentionMain {

  private RetentionMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    boolean apply = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--apply")) {
        apply = true;
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
      }
    }
    for (String required : new String[] {"--run-root", "--output-root", "--keep-weeks", "--keep-csvs"}) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("retention needs " + required);
      }
    }
    Retention.run(new Configuration(), options.get("--run-root"), options.get("--output-root"),
        Integer.parseInt(options.get("--keep-weeks")), Integer.parseInt(options.get("--keep-csvs")), apply,
        System.out, LocalDate.now(ZoneOffset.UTC));
  }
}
