package io.recsv.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.config.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --shape shop}: the shapes it promises, measured on what it wrote (long-tailed products and users,
 * stars, repeats later than the first purchase, times), against the planted generator at the same sizes, which
 * has none of them; and the same bytes for the same seed.
 */
class ShopLogTest {

  @TempDir
  Path dir;

  private static final int USERS = 5_000;
  private static final int PRODUCTS = 2_000;
  private static final int PER_USER = 20;

  /** The file's lines after the header, split. */
  private static List<long[]> read(Path file, int columns) throws Exception {
    List<String> lines = Files.readAllLines(file);
    List<long[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      long[] row = Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
      assertEquals(columns, row.length, line);
      rows.add(row);
    }
    return rows;
  }

  /** The share of the lines that the busiest tenth of the products hold. */
  private static double topTenthShare(List<long[]> rows) {
    Map<Long, Integer> perProduct = new HashMap<>();
    rows.forEach(r -> perProduct.merge(r[1], 1, Integer::sum));
    int[] counts = perProduct.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    long top = 0;
    for (int i = counts.length - 1; i >= counts.length - PRODUCTS / 10 && i >= 0; i--) {
      top += counts[i];
    }
    return (double) top / rows.size();
  }

  @Test
  void hasTheShapesOfAShopsLogWhichThePlantedDataLacks() throws Exception {
    Path shop = dir.resolve("shop.csv");
    long lines = new ShopLog(USERS, PRODUCTS, PER_USER, 7).write(new Configuration(), shop.toString());
    assertEquals("user_id,product_id,weight,timestamp", Files.readAllLines(shop).get(0));
    List<long[]> rows = read(shop, 4);
    assertEquals(lines, rows.size());

    // Products: the busiest tenth hold about half the purchases (Zipf); evenly planted, about a tenth.
    Path planted = dir.resolve("planted.csv");
    new Generator(USERS, PRODUCTS, PER_USER, 7).write(new Configuration(), planted.toString());
    double shopTop = topTenthShare(rows);
    double plantedTop = topTenthShare(read(planted, 3));
    assertTrue(shopTop > 0.4 && plantedTop < 0.2, "top tenth's share: shop " + shopTop + ", planted " + plantedTop);

    // Users: distinct products per user average --per-user, with a long tail (the 99th percentile many medians).
    Map<Long, Map<Long, List<long[]>>> byUser = new HashMap<>();
    for (long[] r : rows) {
      byUser.computeIfAbsent(r[0], u -> new HashMap<>()).computeIfAbsent(r[1], p -> new ArrayList<>()).add(r);
    }
    assertEquals(USERS, byUser.size(), "every user bought something");
    int[] distinct = byUser.values().stream().mapToInt(Map::size).sorted().toArray();
    double mean = Arrays.stream(distinct).average().orElseThrow();
    int median = distinct[USERS / 2];
    int p99 = distinct[USERS * 99 / 100];
    assertTrue(mean > 0.8 * PER_USER && mean < 1.2 * PER_USER, "mean distinct products per user " + mean);
    assertTrue(p99 >= 5 * median, "99th percentile " + p99 + ", median " + median);

    // Repeats: about 15% of pairs bought again, each time later, with the same stars; stars 1 to 5, mostly high.
    long pairs = 0;
    long repeated = 0;
    int[] stars = new int[6];
    for (Map<Long, List<long[]>> products : byUser.values()) {
      for (List<long[]> purchases : products.values()) {
        pairs++;
        repeated += purchases.size() > 1 ? 1 : 0;
        for (int i = 1; i < purchases.size(); i++) {
          assertTrue(purchases.get(i)[3] > purchases.get(i - 1)[3], "a repeat after the purchase before it");
          assertEquals(purchases.get(0)[2], purchases.get(i)[2], "a repeat keeps its stars");
        }
        stars[(int) purchases.get(0)[2]]++;
      }
    }
    double repeatShare = (double) repeated / pairs;
    assertTrue(repeatShare > 0.10 && repeatShare < 0.20, "repeated pairs " + repeatShare);
    for (int s = 1; s <= 5; s++) {
      assertTrue(stars[s] > 0, "stars " + s + " appear: " + Arrays.toString(stars));
    }
    assertTrue(stars[4] + stars[5] > pairs / 2, "mostly 4 and 5 stars: " + Arrays.toString(stars));

    // Times: in seconds from 2025 on; a user starts within 300 days of it and its purchases (but for repeats) come
    // within twice its span of at most a year.
    for (Map<Long, List<long[]>> products : byUser.values()) {
      for (List<long[]> purchases : products.values()) {
        long time = purchases.get(0)[3];
        assertTrue(time > ShopLog.START && time < ShopLog.START + (300 + 2 * 365) * ShopLog.DAY, "purchase " + time);
      }
    }
  }

  @Test
  void theSameSeedWritesTheSameBytes() throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    new ShopLog(300, 100, 10, 3).write(new Configuration(), a.toString());
    new ShopLog(300, 100, 10, 3).write(new Configuration(), b.toString());
    new ShopLog(300, 100, 10, 4).write(new Configuration(), c.toString());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "another seed, another log");
  }

  @Test
  void aMeanTheBusiestUsersCouldNotReachIsRefused() {
    UserError e = assertThrows(UserError.class, () -> new ShopLog(10, 100, 51, 1));
    assertTrue(e.getMessage().contains("--per-user 51"), e.getMessage());
  }
}
