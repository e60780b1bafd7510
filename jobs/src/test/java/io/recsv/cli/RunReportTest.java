package io.recsv.cli;

import io.recsv.generate.Generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsv.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run says about itself, checked against the CSV it published: the report (JSON figures, the HTML page in
 * a real browser), the manifest's description, and {@code recsv show}.
 */
class RunReportTest {

  @TempDir
  static Path work;

  private static Path input;
  private static Path csv;
  /** The CSV, user by user in file order: user -> its "product_id,score" rows. */
  private static final Map<Long, List<String>> rows = new LinkedHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String launch(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, new Main(new PrintStream(out, true, StandardCharsets.UTF_8), TestSpark.repoRoot())
        .run(new ArrayList<>(List.of(args))));
    return out.toString(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void runThePipeline() throws Exception {
    TestSpark.get();
    input = work.resolve("in.csv");
    new Generator(300, 60, 8, 3).write(new Configuration(), input.toString());
    csv = work.resolve("out/recommendations.csv");
    String printed = launch("run", "--input", input.toString(), "--output", csv.toString(), "--work",
        work.resolve("w").toString(), "--run-id", "r1", "-D", "score.k=10", "-D", "score.exclude-seen=false", "-D",
        "spark.master=local[2]",
        // 300 users: the model is about as good as the popularity baseline, and which is ahead is a coin flip. The
        // gate has tests of its own; here it must only be reported.
        "-D", "evaluate.gate.min-ndcg-vs-popularity=0");
    assertTrue(printed.contains("report:   " + csv + ".report.html"), printed);
    assertTrue(printed.contains("coverage: "), printed);
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      rows.computeIfAbsent(Long.parseLong(f[0]), u -> new ArrayList<>()).add(f[1] + "," + f[2]);
    }
  }

  @Test
  void theReportsFiguresAreTheCsvs() throws Exception {
    JsonNode r = JSON.readTree(Files.readString(Path.of(csv + ".report.json")));
    assertEquals("recsv-report/1", r.get("format").asText());
    long rowCount = rows.values().stream().mapToLong(List::size).sum();
    assertEquals(rowCount, r.at("/csv/rows").asLong());
    assertEquals(rows.size(), r.at("/csv/users").asLong());
    assertEquals(rowCount, r.at("/scores/rows").asLong());
    assertEquals(rows.size(), r.at("/scores/users").asLong());

    Map<Long, Long> perProduct = new HashMap<>();
    rows.values().forEach(list -> list.forEach(row -> perProduct.merge(Long.parseLong(row.split(",")[0]), 1L,
        Long::sum)));
    assertEquals(perProduct.size(), r.at("/scores/productsRecommended").asLong(), "coverage");
    Set<Long> inputProducts = new HashSet<>();
    Map<Long, Set<Long>> seen = new HashMap<>();
    for (String line : Files.readAllLines(input).subList(1, Files.readAllLines(input).size())) {
      String[] f = line.split(",");
      inputProducts.add(Long.parseLong(f[1]));
      seen.computeIfAbsent(Long.parseLong(f[0]), u -> new HashSet<>()).add(Long.parseLong(f[1]));
    }
    assertEquals(inputProducts.size(), r.at("/scores/catalogue").asLong());
    assertEquals(inputProducts.size(), r.at("/input/products").asLong());
    assertEquals(seen.size(), r.at("/input/users").asLong());
    long best = perProduct.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    assertEquals(best, r.at("/scores/mostRecommended/0/users").asLong());
    assertEquals(best, r.at("/scores/longTail/0/timesRecommended").asLong(), "the head of the long tail");
    long timesTotal = 0;
    for (JsonNode bin : r.at("/scores/timesRecommended/bins")) {
      timesTotal += bin.get("count").asLong();
    }
    assertEquals(perProduct.size(), timesTotal, "every recommended product in one bin");

    // Already-seen recommendations, counted from the input and the CSV (300 users: all are checked).
    long alreadySeen = 0;
    for (Map.Entry<Long, List<String>> e : rows.entrySet()) {
      for (String row : e.getValue()) {
        alreadySeen += seen.get(e.getKey()).contains(Long.parseLong(row.split(",")[0])) ? 1 : 0;
      }
    }
    assertFalse(r.at("/scores/seen/excluded").asBoolean());
    assertEquals((double) alreadySeen / rowCount, r.at("/scores/seen/share").asDouble(), 1e-12);

    long perUserTotal = 0;
    for (JsonNode bin : r.at("/input/interactionsPerUser/bins")) {
      perUserTotal += bin.get("count").asLong();
    }
    assertEquals(seen.size(), perUserTotal);
    List<String> stages = new ArrayList<>();
    r.get("stages").forEach(s -> stages.add(s.get("stage").asText()));
    assertEquals(List.of("prepare", "evaluate", "train", "score", "export", "merge"), stages);
    assertTrue(r.at("/evaluation/gate/verdict").isTextual(), "the holdout metrics and the gate: " + r.get("evaluation"));
    r.get("stages").forEach(s -> assertTrue(s.get("seconds").asDouble() > 0, s.toString()));
    assertEquals("10", r.at("/scorer/score.k").asText());
    assertTrue(r.at("/model/train.rank").asInt() > 0, "the model's parameters: " + r.get("model"));
  }

  @Test
  void theManifestDescribesTheCsvAndLinksTheReport() throws Exception {
    JsonNode m = JSON.readTree(Files.readString(Path.of(csv + ".manifest.json")));
    assertEquals("recommendations.csv.report.html", m.at("/report/html").asText());
    assertEquals("recommendations.csv.report.json", m.at("/report/json").asText());
    assertEquals(m.at("/lineage/upstream/0/upstream/0/config/score.k").asText(), m.at("/scorer/score.k").asText());
    assertNotNull(m.at("/model/train.rank").textValue());
    for (String stage : List.of("prepare", "train", "score", "export")) {
      assertTrue(m.at("/stageSeconds/" + stage).asDouble() > 0, stage);
    }
    assertFalse(m.get("recsvCommit").asText().isEmpty());
  }

  @Test
  void showPrintsTheCsvsRowsForAUserFromTheCsvAndFromTheRun() throws Exception {
    List<Long> users = new ArrayList<>(rows.keySet());
    long user = users.get(users.size() / 2);
    assertEquals(rows.get(user), shown(launch("show", "--csv", csv.toString(), "--user", String.valueOf(user))));
    assertEquals(rows.get(user), shown(launch("show", "--work", work.resolve("w").toString(), "--user",
        String.valueOf(user))), "the run's score output, in the CSV's order with its printed scores");
    // The first users of the file.
    String firstTwo = launch("show", "--csv", csv.toString(), "--first", "2");
    assertTrue(firstTwo.startsWith("user " + users.get(0) + ": 10 recommendations"), firstTwo);
    assertTrue(firstTwo.contains("user " + users.get(1) + ": 10 recommendations"), firstTwo);
    assertFalse(firstTwo.contains("user " + users.get(2) + ":"), firstTwo);
  }

  /** "product_id,score" of each printed row. */
  private static List<String> shown(String printed) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s+\\d+\\s+(-?\\d+)\\s+(\\S+)").matcher(printed);
    while (m.find()) {
      out.add(m.group(1) + "," + m.group(2));
    }
    return out;
  }

  @Test
  void reportPrintsTheSummaryAndRegeneratesTheFiles() throws Exception {
    Path html = Path.of(csv + ".report.html");
    Files.delete(html);
    String printed = launch("report", "--csv", csv.toString(), "--work", work.resolve("w").toString(), "--run-id", "r1",
        "--regenerate");
    assertTrue(Files.size(html) > 50_000, "the page again, uPlot inlined");
    assertTrue(printed.contains("report of run r1") && printed.contains("coverage:"), printed);
  }

  /**
   * The page in a real browser (Debian's Chromium, headless, offline): it opens, draws every chart it means to,
   * and no script fails. {@code .ci/run} installs Chromium; without it (a laptop) this test is skipped, not passed.
   */
  @Test
  void theReportPageRendersEveryChartInABrowser() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    boolean ci = System.getenv("CI") != null;
    org.junit.jupiter.api.Assumptions.assumeTrue(ci || Files.isExecutable(chromium),
        "Chromium is not installed (apt-get install chromium); .ci/run installs it");
    assertTrue(Files.isExecutable(chromium), "CI needs Chromium: .ci/run installs it");
    Path html = Path.of(csv + ".report.html");
    if (!Files.exists(html)) {
      launch("report", "--csv", csv.toString(), "--work", work.resolve("w").toString(), "--run-id", "r1",
          "--regenerate");
    }
    Path profile = Files.createTempDirectory(work, "chromium");
    Path dom = work.resolve("dom.html");
    Path log = work.resolve("chromium.log");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString())
        .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "Chromium ends");
    String page = Files.readString(dom);
    String console = Files.readString(log);
    Matcher drawn = Pattern.compile("data-charts=\"(\\d+)\"").matcher(page);
    Matcher meant = Pattern.compile("data-expected-charts=\"(\\d+)\"").matcher(page);
    assertTrue(drawn.find() && meant.find(), "the page's script ran to its end:\n" + console);
    assertEquals(meant.group(1), drawn.group(1), "every chart drawn");
    assertTrue(Integer.parseInt(drawn.group(1)) >= 7, "timings, 2 interaction, 2 score and 2 coverage charts");
    assertEquals(Integer.parseInt(drawn.group(1)), count(page, "<canvas"), "each chart is a canvas");
    assertFalse(page.contains("data-errors="), "no script error");
    assertFalse(console.contains("Uncaught") || console.contains(":CONSOLE"), "nothing on the console:\n" + console);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
