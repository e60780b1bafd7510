package io.recsv.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvLineParserTest {

  private static CsvLayout layout(String delimiter, List<String> columns, int weight, int time) {
    return new CsvLayout("in.csv", delimiter, true, columns, 0, 1, weight, time, "user_id", "product_id", "weight",
        "timestamp");
  }

  private static final CsvLayout THREE = layout(",", List.of("user_id", "product_id", "weight"), 2, -1);

  private static Problem parse(CsvLineParser parser, String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return parser.parse(b, b.length);
  }

  @Test
  void idsArePlainDecimalLongsWithWhiteSpaceAroundIgnored() {
    CsvLineParser parser = new CsvLineParser(THREE);
    for (String id : List.of("5", " 5 ", "\t5\r", "-5", "007", "0", "-0", "9223372036854775807",
        "-9223372036854775808", "00000000000000000000042")) {
      assertNull(parse(parser, id + ",3,1"), id);
      assertEquals(Long.parseLong(id.strip()), parser.user, id);
      assertNull(parse(parser, "3," + id + ",1"), id);
      assertEquals(Long.parseLong(id.strip()), parser.product, id);
    }
    for (String id : List.of("+5", "7.0", "7.", "1e3", "0x10", "--5", "-", "", " ", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "1 2", "5a", "٣")) {
      assertEquals(Problem.USER, parse(parser, id + ",3,1"), id);
      assertEquals(Problem.PRODUCT, parse(parser, "3," + id + ",1"), id);
    }
  }

  @Test
  void weightsAreWhatParseDoubleReadsBitForBit() {
    CsvLineParser parser = new CsvLineParser(THREE);
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      String w = switch (i % 5) {
        case 0 -> Long.toString(random.nextLong() % 1_000_000_000_000_000L);
        case 1 -> (random.nextBoolean() ? "-" : "") + random.nextInt(100_000) + "." + randomDigits(random, 1 + random.nextInt(16));
        case 2 -> String.format(Locale.ROOT, "%.6f", random.nextDouble() * 1000);
        case 3 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15));
        default -> randomDigits(random, 1 + random.nextInt(20)) + "." + randomDigits(random, random.nextInt(20));
      };
      assertNull(parse(parser, "1,2," + w), w);
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(w)), Double.doubleToRawLongBits(parser.weight), w);
    }
    for (String w : List.of("1", " 2.5 ", "-0", "1.", ".5", "1e3", "1E-3", "0x1p3", "1d", "3.4028234e38",
        "-3.4028234e38", "0.000000000000000000001")) {
      assertNull(parse(parser, "1,2," + w), w);
      assertEquals(Double.parseDouble(w), parser.weight, w);
    }
    for (String w : List.of("NaN", "Infinity", "-Infinity", "inf", "", " ", "abc", "1,5", "1.2.3", "-", ".")) {
      assertEquals(w.equals("1,5") ? Problem.FIELD_COUNT : Problem.WEIGHT_NOT_FINITE, parse(parser, "1,2," + w), w);
    }
    for (String w : List.of("1e39", "-3.5e38", "1e308")) {
      assertEquals(Problem.WEIGHT_RANGE, parse(parser, "1,2," + w), w);
    }
  }

  private static String randomDigits(Random random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append((char) ('0' + random.nextInt(10)));
    }
    return s.toString();
  }

  @Test
  void fieldsSplitAtTheDelimiterAndQuotedLinesAsSparkSplitsThem() {
    CsvLineParser parser = new CsvLineParser(THREE);
    assertEquals(Problem.FIELD_COUNT, parse(parser, "1,2,3,4"));
    assertArrayEquals(new String[] {"1", "2", "3", "4"}, parser.fields());
    assertEquals(Problem.FIELD_COUNT, parse(parser, "1,2"));
    assertEquals(Problem.WEIGHT_NOT_FINITE, parse(parser, "1,2,"));
    assertArrayEquals(new String[] {"1", "2", null}, parser.fields(), "an empty field is missing");
    assertNull(parse(parser, "\"1\",\"2\",\"3.5\""));
    assertEquals(3.5, parser.weight);
    assertEquals(Problem.PRODUCT, parse(parser, "1,\"a\\\"b\",3"), "Spark's escape: a backslash");
    assertArrayEquals(new String[] {"1", "a\"b", "3"}, parser.fields());
    assertEquals(Problem.FIELD_COUNT, parse(parser, "\"1,2\",3"), "a quoted delimiter is not one");
    assertEquals(Problem.PRODUCT, parse(parser, "1,\"x,y\",3"));
    assertArrayEquals(new String[] {"1", "x,y", "3"}, parser.fields());

    CsvLineParser movieLens = new CsvLineParser(layout("::", List.of("_c0", "_c1", "_c2", "_c3"), 2, 3));
    assertNull(parse(movieLens, "10::20::3::1424380312"));
    assertEquals(List.of(10L, 20L, 1424380312L), List.of(movieLens.user, movieLens.product, movieLens.time));
    assertEquals(3.0, movieLens.weight);
    assertEquals(Problem.PRODUCT, parse(movieLens, "10:::20::3::1"));
    assertArrayEquals(new String[] {"10", ":20", "3", "1"}, movieLens.fields(), "delimiters matched left to right");

    CsvLineParser tabs = new CsvLineParser(layout("\\t", List.of("user_id", "product_id"), -1, -1));
    assertNull(parse(tabs, "7\t8"));
    assertEquals(List.of(7L, 8L), List.of(tabs.user, tabs.product));
    assertEquals(1.0, tabs.weight, "no weight column: 1");
  }

  @Test
  void blankLinesAreThoseSparksReaderSkips() {
    for (String line : List.of("", " ", "\t \r")) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertEquals(true, CsvLineParser.blank(b, b.length), "'" + line + "'");
    }
    byte[] b = " 1".getBytes(StandardCharsets.UTF_8);
    assertEquals(false, CsvLineParser.blank(b, b.length));
  }
}
