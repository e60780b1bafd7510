package io.recsv.prepare;

/** Why prepare refuses an input row, in the order the checks are made; {@link #about} says it to a user. */
enum Problem {
  /** A CSV line with more or fewer fields than the first line (the header). */
  FIELD_COUNT,
  USER,
  PRODUCT,
  TIME,
  WEIGHT_NOT_FINITE,
  WEIGHT_RANGE;

  /** The problem with {@code value} (null: missing) of {@code column}; not for {@link #FIELD_COUNT}. */
  String about(String column, String value) {
    String shown = value == null ? "(missing)" : "'" + value + "'";
    return column + " " + shown + switch (this) {
      case USER, PRODUCT -> " is not a 64-bit integer";
      case TIME -> " is not a whole number (seconds or milliseconds since 1970)";
      case WEIGHT_NOT_FINITE -> " is not a finite number";
      case WEIGHT_RANGE -> " is beyond the range of the 32-bit float ALS stores weights as (about 3.4e38)";
      case FIELD_COUNT -> throw new IllegalArgumentException("a line's field count is not a value's problem");
    };
  }
}
