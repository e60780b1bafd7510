package io.recsv.generate;

import io.recsv.config.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * Synthetic implicit-feedback interactions with a planted low-rank structure: users and products fall into
 * {@link #TASTES} tastes, and 80% of a user's interactions are with products of the user's own taste. A good
 * model recommends mostly same-taste products ({@link #taste}), which is how tests check ALS quality.
 * Ids are 64-bit: half the users and all products but the first have ids above 2^31. Deterministic for a given seed.
 */
public final class Generator {

  public static final int TASTES = 8;

  private final int users;
  private final int products;
  private final int perUser;
  private final long seed;

  public Generator(int users, int products, int perUser, long seed) {
    if (users < 1 || products < 1 || perUser < 1) {
      throw new UserError("generate: --users, --products and --per-user must be positive");
    }
    if (perUser > products) {
      throw new UserError("generate: --per-user " + perUser + " exceeds --products " + products);
    }
    this.users = users;
    this.products = products;
    this.perUser = perUser;
    this.seed = seed;
  }

  /** Even users below 2^31 for small i, odd users always above it; distinct for all i. */
  public static long userId(int i) {
    return (i % 2 == 0 ? 17L : 3_000_000_000L) + 1_000_003L * i;
  }

  public static long productId(int j) {
    return 4_294_967_311L * j + 5;
  }

  /** The planted taste of a user or product, from its generated id. */
  public static int taste(long id) {
    return (int) Long.remainderUnsigned(id * 0x9E3779B97F4A7C15L >>> 32, TASTES);
  }

  /** Writes {@code user_id,product_id,weight} with a header; returns the number of interactions. */
  public long write(Configuration conf, String output) throws IOException {
    int[][] byTaste = productsByTaste();
    return CsvFile.write(conf, output, "user_id,product_id,weight", out -> {
      SplittableRandom random = new SplittableRandom(seed);
      long rows = 0;
      StringBuilder line = new StringBuilder();
      boolean[] chosen = new boolean[products];
      int[] picked = new int[perUser];
      for (int i = 0; i < users; i++) {
        long user = userId(i);
        int[] own = byTaste[taste(user)];
        for (int n = 0; n < perUser; n++) {
          int j;
          do {
            j = random.nextInt(10) < 8 && own.length > 0 ? own[random.nextInt(own.length)] : random.nextInt(products);
          } while (chosen[j] && retry(random));
          if (chosen[j]) {
            j = firstFree(chosen);
          }
          chosen[j] = true;
          picked[n] = j;
          line.setLength(0);
          line.append(user).append(',').append(productId(j)).append(',').append(1 + random.nextInt(5)).append('\n');
          out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
          rows++;
        }
        for (int n = 0; n < perUser; n++) {
          chosen[picked[n]] = false;
        }
      }
      return rows;
    });
  }

  /** Gives up re-drawing after a few tries when a user's taste is exhausted. */
  static boolean retry(SplittableRandom random) {
    return random.nextInt(64) != 0;
  }

  static int firstFree(boolean[] chosen) {
    for (int j = 0; j < chosen.length; j++) {
      if (!chosen[j]) {
        return j;
      }
    }
    throw new IllegalStateException("no free product");
  }

  private int[][] productsByTaste() {
    int[] counts = new int[TASTES];
    for (int j = 0; j < products; j++) {
      counts[taste(productId(j))]++;
    }
    int[][] byTaste = new int[TASTES][];
    for (int t = 0; t < TASTES; t++) {
      byTaste[t] = new int[counts[t]];
      counts[t] = 0;
    }
    for (int j = 0; j < products; j++) {
      int t = taste(productId(j));
      byTaste[t][counts[t]++] = j;
    }
    return byTaste;
  }
}
