package io.recsv.cli;

import picocli.CommandLine.ITypeConverter;

/** An int option that may group its digits with underscores, as Java and HOCON do: {@code --users 1_000_000}. */
final class WholeNumber implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new picocli.CommandLine.TypeConversionException("must be an integer, got '" + value + "'");
    }
  }
}
