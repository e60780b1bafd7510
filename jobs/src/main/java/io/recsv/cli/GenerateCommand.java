package io.recsv.cli;

import io.recsv.generate.Generator;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recsv generate}: synthetic interactions with a planted structure; it reads no configuration. */
@Command(name = "generate", header = "write synthetic interactions with a planted structure",
    description = "Writes user_id,product_id,weight (with a header) for N users, each with K distinct products out"
        + " of M; 64-bit ids, a planted taste structure, deterministic for a given seed.")
final class GenerateCommand extends RecsvCommand {

  @Option(names = "--users", paramLabel = "N", required = true, converter = WholeNumber.class,
      description = "users (required)")
  int users;

  @Option(names = "--products", paramLabel = "M", required = true, converter = WholeNumber.class,
      description = "products (required)")
  int products;

  @Option(names = "--per-user", paramLabel = "K", required = true, converter = WholeNumber.class,
      description = "products per user (required)")
  int perUser;

  @Option(names = "--output", paramLabel = "PATH", required = true,
      description = "the CSV to write (required; must not exist)")
  String output;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", converter = WholeNumber.class,
      description = "the seed (default ${DEFAULT-VALUE})")
  int seed;

  GenerateCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    long rows = new Generator(users, products, perUser, seed).write(new Configuration(), output);
    out.printf("wrote %,d interactions to %s%n", rows, output);
    return 0;
  }
}
