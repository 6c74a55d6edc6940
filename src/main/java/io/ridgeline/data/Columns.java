package io.ridgeline.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * References to user-named columns. Spark parses a name given to {@code col(...)} as a path
 * ({@code body.mass} is field {@code mass} of {@code body}), so every user-supplied name goes through
 * here: quoted with backticks, a backtick inside doubled.
 */
public final class Columns {
  private Columns() {}

  /** The column named exactly {@code name}. */
  public static Column of(String name) {
    return functions.col(quoted(name));
  }

  /** {@code name} as a SQL identifier: {@code `body.mass`}. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
