package io.recsv.cli;

import io.recsv.generate.Generator;
import io.recsv.generate.ShopLog;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recsv generate}: synthetic interactions, planted or shaped like a shop's log; it reads no configuration. */
@Command(name = "generate", header = "write synthetic interactions: a planted structure, or a shop's log",
    description = "planted (the default): user_id,product_id,weight (with a header) for N users, each with K"
        + " distinct products out of M, 80%% of them of the user's one taste of 8; uniform otherwise. shop:"
        + " user_id,product_id,weight,timestamp with the shapes of a shop's log: long-tailed product popularity"
        + " (Zipf) and user activity (log-normal, K products per user on average), 24 tastes, stars 1 to 5 as the"
        + " weight, repeat purchases as lines of their own, the time of each; read it with -D"
        + " prepare.columns.timestamp=timestamp. 64-bit ids; deterministic for a given seed.")
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

  /** What the interactions look like. */
  enum Shape { PLANTED, SHOP }

  @Option(names = "--shape", paramLabel = "S", defaultValue = "planted", converter = ShapeName.class,
      description = "planted or shop (default ${DEFAULT-VALUE})")
  Shape shape;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", converter = WholeNumber.class,
      description = "the seed (default ${DEFAULT-VALUE})")
  int seed;

  /** "shop" as {@link Shape#SHOP}; anything else is refused, naming the shapes. */
  static final class ShapeName implements CommandLine.ITypeConverter<Shape> {
    @Override
    public Shape convert(String value) {
      for (Shape s : Shape.values()) {
        if (s.name().equalsIgnoreCase(value)) {
          return s;
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a shape: planted or shop");
    }
  }

  GenerateCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration();
    if (shape == Shape.SHOP) {
      long rows = new ShopLog(users, products, perUser, seed).write(conf, output);
      out.printf("wrote %,d purchases to %s (read it with -D prepare.columns.timestamp=timestamp)%n", rows, output);
      return 0;
    }
    long rows = new Generator(users, products, perUser, seed).write(conf, output);
    out.printf("wrote %,d interactions to %s%n", rows, output);
    return 0;
  }
}
