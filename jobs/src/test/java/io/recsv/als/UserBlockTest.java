package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A block's two layouts from its shuffled chunks, on both of their sorts: counting sorts when the block's users and
 * products are dense beside its rows, sorts of keys when they are sparse. Each is checked against the layout's
 * definition computed here by sorting whole rows.
 */
class UserBlockTest {

  private static final int BLOCKS = 3;
  private static final int INDEX = 1;

  /** (user, product, rating) rows, as the tests make them. */
  private record Rating(int user, int product, float rating) {}

  @Test
  void denseUsersAndProductsLaidOutByTheirDefinition() {
    List<Rating> rows = ratings(new Random(1), 2_000, 1, 300, 20_000);
    check(rows);
  }

  @Test
  void sparseUsersAndProductsLaidOutTheSame() {
    // Users a million places apart, and nearly as many products as rows: a sort of keys for both.
    List<Rating> rows = ratings(new Random(2), 400, 1_000_003, 200_000, 3_000);
    check(rows);
  }

  @Test
  void aUserOfAnotherBlockIsRefused() {
    RatingChunk chunk = new RatingChunk();
    chunk.add(INDEX, 5, 1f);
    chunk.add(INDEX + 1, 5, 1f);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> UserBlock.of(INDEX, List.of(chunk).iterator(), BLOCKS, 16));
    assertTrue(e.getMessage().contains("user " + (INDEX + 1) + " reached ALS block " + INDEX), e.getMessage());
  }

  @Test
  void anEmptyBlockHasNoRows() {
    UserBlock block = UserBlock.of(INDEX, Collections.emptyIterator(), BLOCKS, 16);
    assertEquals(0, block.users.length);
    assertEquals(0, block.productOfRow.length);
  }

  /** {@code count} distinct (user, product) pairs of block INDEX, users {@code userStep} places apart. */
  private static List<Rating> ratings(Random random, int users, int userStep, int products, int count) {
    List<Rating> rows = new ArrayList<>();
    java.util.Set<Long> pairs = new java.util.HashSet<>();
    while (rows.size() < count) {
      int user = INDEX + BLOCKS * userStep * random.nextInt(users);
      int product = random.nextInt(products);
      if (pairs.add((long) user << 32 | product)) {
        rows.add(new Rating(user, product, random.nextInt(5) + 1));
      }
    }
    return rows;
  }

  /** The block from {@code rows} cut into chunks of uneven sizes, delivered in a shuffled order. */
  private static void check(List<Rating> rows) {
    List<Rating> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));
    List<RatingChunk> chunks = new ArrayList<>();
    RatingChunk open = null;
    Random sizes = new Random(4);
    for (Rating r : shuffled) {
      if (open == null || sizes.nextInt(300) == 0) {
        open = new RatingChunk();
        chunks.add(open);
      }
      open.add(r.user(), r.product(), r.rating());
    }
    // A rank that makes chunks of 64 users: several chunks, each with its own counts.
    UserBlock block = UserBlock.of(INDEX, chunks.iterator(), BLOCKS, 1 << 13);
    assertEquals(64, block.chunkUsers);

    // By user: users ascending, each user's rows by product.
    List<Rating> byUser = new ArrayList<>(rows);
    byUser.sort((a, b) -> a.user() != b.user() ? Integer.compare(a.user(), b.user())
        : Integer.compare(a.product(), b.product()));
    int[] users = byUser.stream().mapToInt(Rating::user).distinct().toArray();
    assertArrayEquals(users, block.users);
    assertArrayEquals(byUser.stream().mapToInt(Rating::product).toArray(), block.productOfRow);
    float[] ratings = new float[byUser.size()];
    for (int i = 0; i < ratings.length; i++) {
      ratings[i] = byUser.get(i).rating();
    }
    assertArrayEquals(ratings, block.ratingOfRow);
    for (int u = 0; u < users.length; u++) {
      for (int r = block.userStart[u]; r < block.userStart[u + 1]; r++) {
        assertEquals(users[u], byUser.get(r).user());
      }
    }

    // By product within chunks of users: each chunk's rows by product, then by user.
    int[] products = byUser.stream().mapToInt(Rating::product).distinct().sorted().toArray();
    assertArrayEquals(products, block.products);
    int chunkUsers = block.chunkUsers;
    int chunkCount = (users.length + chunkUsers - 1) / chunkUsers;
    assertEquals(chunkCount + 1, block.chunkSegment.length);
    int row = 0;
    for (int c = 0; c < chunkCount; c++) {
      List<int[]> expected = new ArrayList<>();  // (product, user position, rating bits)
      for (int u = c * chunkUsers; u < Math.min(users.length, (c + 1) * chunkUsers); u++) {
        for (int r = block.userStart[u]; r < block.userStart[u + 1]; r++) {
          expected.add(new int[] {byUser.get(r).product(), u, Float.floatToIntBits(byUser.get(r).rating())});
        }
      }
      expected.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
      int at = 0;
      for (int s = block.chunkSegment[c]; s < block.chunkSegment[c + 1]; s++) {
        for (int r = block.segmentStart[s]; r < block.segmentStart[s + 1]; r++, at++, row++) {
          int[] e = expected.get(at);
          assertEquals(e[0], block.products[block.segmentProduct[s]], "chunk " + c + ", row " + at);
          assertEquals(e[1], block.userPosOfRow[r], "chunk " + c + ", row " + at);
          assertEquals(Float.intBitsToFloat(e[2]), block.ratingByProduct[r], "chunk " + c + ", row " + at);
        }
      }
      assertEquals(expected.size(), at, "chunk " + c);
    }
    assertEquals(rows.size(), row);
    assertTrue(Arrays.stream(block.segmentProduct).allMatch(p -> p >= 0 && p < products.length));
  }
}
