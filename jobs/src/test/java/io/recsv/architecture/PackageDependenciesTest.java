package io.recsv.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies, read by the JDK's jdeps from the compiled classes of the jobs and workflows
 * modules: no cycle among recsv's packages, no stage that reaches into another, and config on nothing.
 */
class PackageDependenciesTest {

  private static final List<String> STAGES = List.of("prepare", "train", "score", "evaluate", "export", "merge");

  /** package -> the recsv packages it uses (short names: "run", "lineage", ...). */
  private static Map<String, Set<String>> dependencies() {
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none", "-e", "io\\.recsv\\..*"));
    for (Path classes : List.of(Path.of("target/classes"), Path.of("../workflows/target/classes"))) {
      assertTrue(Files.isDirectory(classes), classes + " (build the modules first)");
      args.add(classes.toString());
    }
    StringWriter out = new StringWriter();
    int code = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
        args.toArray(String[]::new));
    assertEquals(0, code, out.toString());
    Map<String, Set<String>> uses = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->") && f[0].startsWith("io.recsv.") && f[2].startsWith("io.recsv.")
          && !f[0].equals(f[2])) {
        uses.computeIfAbsent(name(f[0]), k -> new TreeSet<>()).add(name(f[2]));
      }
    }
    assertTrue(uses.containsKey("cli"), "jdeps read the classes: " + out);
    return uses;
  }

  private static String name(String pkg) {
    return pkg.substring("io.recsv.".length());
  }

  @Test
  void noCycleAmongThePackages() {
    Map<String, Set<String>> uses = dependencies();
    for (String from : uses.keySet()) {
      // Every package reachable from one of those it uses: a cycle if it is itself.
      Deque<List<String>> paths = new ArrayDeque<>();
      Set<String> seen = new TreeSet<>();
      paths.add(List.of(from));
      while (!paths.isEmpty()) {
        List<String> path = paths.poll();
        for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
          List<String> longer = new ArrayList<>(path);
          longer.add(next);
          assertTrue(!next.equals(from), "a package cycle: " + String.join(" -> ", longer));
          if (seen.add(next)) {
            paths.add(longer);
          }
        }
      }
    }
  }

  @Test
  void noStageUsesAnotherAndConfigUsesNothing() {
    Map<String, Set<String>> uses = dependencies();
    for (String stage : STAGES) {
      Set<String> others = new TreeSet<>(uses.getOrDefault(stage, Set.of()));
      others.retainAll(STAGES);
      assertEquals(Set.of(), others, stage + " uses another stage's classes");
    }
    assertEquals(Set.of(), uses.getOrDefault("config", Set.of()), "config depends on no other package");
    assertEquals(Set.of(), uses.getOrDefault("workflow", Set.of()), "the workflow's model depends on nothing");
  }
}
