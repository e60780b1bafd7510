package io.recsv.generate;

import io.recsv.config.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * Interactions shaped like a shop's log rather than planted evenly: product popularity long-tailed (Zipf, exponent
 * {@value #POPULARITY_EXPONENT}, over a seeded order of the products), user activity long-tailed (log-normal, σ
 * {@value #ACTIVITY_SIGMA}, its mean the asked-for products per user), tastes that are communities of products of
 * every popularity ({@value #TASTES}; a user has one or two and finds {@value #OWN_TASTE} of its products in them,
 * the rest by popularity), stars 1 to 5 as the weight (higher within a user's tastes), repeat purchases (a share
 * {@value #REPEAT} of a user's products bought again, each a line of its own, later) and a time column (seconds
 * since 1970, from 2025: a user's purchases spread over 30 days to a year, each repeat one to 61 days after the last).
 *
 * <p>Writes {@code user_id,product_id,weight,timestamp} with a header; the same 64-bit ids as {@link Generator};
 * deterministic for a seed. Read it with {@code prepare.columns.timestamp = timestamp}, so that evaluate holds out
 * each user's latest purchases, as a week would meet them.
 */
public final class ShopLog {

  static final int TASTES = 24;
  static final double POPULARITY_EXPONENT = 0.9;
  static final double ACTIVITY_SIGMA = 1.2;
  static final double OWN_TASTE = 0.75;
  /** The users with a second taste, which takes 30% of their own-taste purchases. */
  static final double SECOND_TASTE = 0.35;
  static final double REPEAT = 0.15;
  /** 2025-01-01T00:00:00Z: every user starts within 300 days of it. */
  static final long START = 1_735_689_600L;
  static final long DAY = 86_400;

  /** Star probabilities 1 to 5 for a product of one of the user's tastes, and for another. */
  private static final double[] OWN_STARS = {0.02, 0.05, 0.18, 0.40, 0.35};
  private static final double[] OTHER_STARS = {0.10, 0.17, 0.33, 0.27, 0.13};

  private final int users;
  private final int products;
  private final int meanPerUser;
  private final long seed;

  public ShopLog(int users, int products, int meanPerUser, long seed) {
    if (users < 1 || products < 2 || meanPerUser < 1) {
      throw new UserError("generate: --users and --per-user must be positive and --products at least 2");
    }
    if (meanPerUser > products / 2) {
      throw new UserError("generate --shape shop: --per-user " + meanPerUser + " is a mean; the busiest users buy"
          + " several times that, so it must be at most half of --products " + products);
    }
    this.users = users;
    this.products = products;
    this.meanPerUser = meanPerUser;
    this.seed = seed;
  }

  /** The taste a product belongs to (a community of products, of every popularity). */
  static int taste(int product) {
    return (int) Long.remainderUnsigned(Generator.productId(product) * 0xBF58476D1CE4E5B9L >>> 29, TASTES);
  }

  /** Writes the log; returns the number of lines (purchases) written. */
  public long write(Configuration conf, String output) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    double[] popularity = popularity(random);
    Sampler everyone = new Sampler(popularity, null);
    Sampler[] byTaste = new Sampler[TASTES];
    for (int t = 0; t < TASTES; t++) {
      final int taste = t;
      byTaste[t] = new Sampler(popularity, j -> taste(j) == taste);
    }
    int most = products / 2;
    double mu = Math.log(meanPerUser) - ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2;
    return CsvFile.write(conf, output, "user_id,product_id,weight,timestamp", out -> {
      long lines = 0;
      boolean[] chosen = new boolean[products];
      int[] picked = new int[most];
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < users; i++) {
        long user = Generator.userId(i);
        int n = (int) Math.max(1, Math.min(most, Math.round(Math.exp(mu + ACTIVITY_SIGMA * random.nextGaussian()))));
        int first = random.nextInt(TASTES);
        int second = random.nextDouble() < SECOND_TASTE ? random.nextInt(TASTES) : first;
        long time = START + random.nextLong(300 * DAY);
        // A busy user buys more often, not for longer: its purchases spread over 30 days to a year (on average).
        double gap = (30 + random.nextInt(336)) * (double) DAY / n;
        for (int k = 0; k < n; k++) {
          int j;
          do {
            j = random.nextDouble() < OWN_TASTE
                ? byTaste[random.nextDouble() < 0.7 ? first : second].draw(random) : everyone.draw(random);
          } while (j < 0 || chosen[j] && Generator.retry(random));
          if (chosen[j]) {
            j = Generator.firstFree(chosen);
          }
          chosen[j] = true;
          picked[k] = j;
          int stars = stars(random, taste(j) == first || taste(j) == second);
          time += 1 + (long) (random.nextDouble() * 2 * gap);
          append(out, line, user, j, stars, time);
          lines++;
          if (random.nextDouble() < REPEAT) {
            long again = time;
            do {
              again += DAY + random.nextLong(60 * DAY);
              append(out, line, user, j, stars, again);
              lines++;
            } while (random.nextDouble() < 0.5);
          }
        }
        for (int k = 0; k < n; k++) {
          chosen[picked[k]] = false;
        }
      }
      return lines;
    });
  }

  private static void append(java.io.OutputStream out, StringBuilder line, long user, int product, int stars,
      long time) throws IOException {
    line.setLength(0);
    line.append(user).append(',').append(Generator.productId(product)).append(',').append(stars).append(',')
        .append(time).append('\n');
    out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Zipf weights over a seeded order of the products (the most popular is not product 0). */
  private double[] popularity(SplittableRandom random) {
    int[] rank = new int[products];
    for (int j = 0; j < products; j++) {
      rank[j] = j;
    }
    for (int j = products - 1; j > 0; j--) {
      int other = random.nextInt(j + 1);
      int swap = rank[j];
      rank[j] = rank[other];
      rank[other] = swap;
    }
    double[] weight = new double[products];
    for (int j = 0; j < products; j++) {
      weight[j] = 1 / Math.pow(rank[j] + 1, POPULARITY_EXPONENT);
    }
    return weight;
  }

  private static int stars(SplittableRandom random, boolean ownTaste) {
    double[] p = ownTaste ? OWN_STARS : OTHER_STARS;
    double u = random.nextDouble();
    for (int s = 0; s < p.length - 1; s++) {
      u -= p[s];
      if (u < 0) {
        return s + 1;
      }
    }
    return p.length;
  }

  /** Draws a product in proportion to its weight, among the products {@code member} admits (all when null). */
  private static final class Sampler {
    private final int[] product;
    private final double[] cumulative;

    Sampler(double[] weight, java.util.function.IntPredicate member) {
      int n = 0;
      int[] product = new int[weight.length];
      double[] cumulative = new double[weight.length];
      double sum = 0;
      for (int j = 0; j < weight.length; j++) {
        if (member == null || member.test(j)) {
          sum += weight[j];
          product[n] = j;
          cumulative[n++] = sum;
        }
      }
      this.product = Arrays.copyOf(product, n);
      this.cumulative = Arrays.copyOf(cumulative, n);
    }

    /** A product, or -1 when there is none to draw (a taste with no products, in a tiny catalogue). */
    int draw(SplittableRandom random) {
      if (product.length == 0) {
        return -1;
      }
      double u = random.nextDouble() * cumulative[cumulative.length - 1];
      int at = Arrays.binarySearch(cumulative, u);
      return product[Math.min(at < 0 ? -at - 1 : at, product.length - 1)];
    }
  }
}
