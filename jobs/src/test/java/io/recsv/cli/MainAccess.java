package io.recsv.cli;

import io.recsv.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The launcher's code path for tests in other packages; what it prints goes to the test's output. */
public final class MainAccess {

  private MainAccess() {}

  public static int run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), TestSpark.repoRoot()).run(List.of(args));
    } finally {
      System.out.print(out.toString(StandardCharsets.UTF_8));
    }
  }
}
