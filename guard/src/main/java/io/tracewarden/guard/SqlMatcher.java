package io.tracewarden.guard;

/**
 * Conditions on one SQL statement; null conditions are absent.
 *
 * @param statement {@code select} or {@code export}
 * @param star must (true) or must not (false) select every column
 * @param unbounded must (true) or must not (false) be free of row limits
 * @param tables some table must match
 * @param columns some selected column must match
 */
record SqlMatcher(String statement, Boolean star, Boolean unbounded, Glob tables, Glob columns) {

  boolean matches(SqlStatement sql) {
    if (statement != null && !statement.equals(sql.kind())) {
      return false;
    }
    if (sql.kind().equals("other")) {
      return false;
    }
    if (star != null && star != sql.star()) {
      return false;
    }
    if (unbounded != null && unbounded != sql.unbounded()) {
      return false;
    }
    if (tables != null && sql.tables().stream().noneMatch(tables::matches)) {
      return false;
    }
    return columns == null || sql.columns().stream().anyMatch(columns::matches);
  }
}
