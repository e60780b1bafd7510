package io.recsv.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The report as one HTML page that needs nothing but a browser: no network, no files beside it. The charts are
 * drawn by uPlot (a 50 KB MIT library from its webjar, inlined): small, fast with many points, and canvas-based,
 * so a page stays light whatever the run's size. The data is the report's JSON, inlined; the drawing is
 * {@code report.js}.
 */
public final class ReportPage {

  private static final String UPLOT = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";

  private ReportPage() {}

  static String render(RunReport report) throws IOException {
    // "</" would end the script element early: JSON allows "<\/" for it.
    String json = StatsFile.JSON.writeValueAsString(report).replace("</", "<\\/");
    return resource("io/recsv/report/report.html")
        .replace("/*UPLOT_CSS*/", resource(UPLOT + "uPlot.min.css"))
        .replace("/*UPLOT_JS*/", resource(UPLOT + "uPlot.iife.min.js"))
        .replace("/*REPORT_JS*/", resource("io/recsv/report/report.js"))
        .replace("/*REPORT_JSON*/", json);  // last: nothing in the data is taken for a placeholder
  }

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The webjar's version, from its Maven metadata, so that the pom alone names it. */
  private static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = ReportPage.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("uPlot's webjar is not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
