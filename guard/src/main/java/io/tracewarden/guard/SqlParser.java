package io.tracewarden.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A lexical SQL reader covering the shapes bulk reads take in PostgreSQL, MySQL, SQLite, SQL
 * Server and Oracle: it tokenises strings, quoted identifiers, comments and dollar quotes,
 * splits statements on {@code ;}, splits {@code UNION}/{@code INTERSECT}/{@code EXCEPT} branches
 * and looks at the top nesting level of each. It never fails; text that is not SQL yields
 * statements of kind {@code other}.
 */
final class SqlParser {

  /** A {@code LIMIT} above this many rows counts as unbounded. */
  static final long BULK_ROWS = 1000;
  static final int MAX_TOKENS = 20_000;

  private static final Set<String> FROM_END = Set.of("WHERE", "GROUP", "ORDER", "LIMIT",
      "HAVING", "WINDOW", "OFFSET", "FETCH", "FOR", "INTO", "UNION", "INTERSECT", "EXCEPT",
      "QUALIFY", "RETURNING", "ON", "USING");
  private static final Set<String> JOIN_WORDS = Set.of("JOIN", "FROM");
  private static final Set<String> SKIP_AFTER_FROM = Set.of("ONLY", "LATERAL", "OUTER",
      "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL");

  private SqlParser() {}

  static List<SqlStatement> parse(String sql) {
    List<Token> tokens = tokenize(sql);
    List<SqlStatement> statements = new ArrayList<>();
    int start = 0;
    int depth = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      if (i < tokens.size()) {
        Token t = tokens.get(i);
        if (t.is("(")) {
          depth++;
        } else if (t.is(")")) {
          depth = Math.max(0, depth - 1);
        }
        if (!t.is(";") || depth > 0) {
          continue;
        }
      }
      if (i > start) {
        statement(tokens.subList(start, i), statements);
      }
      start = i + 1;
      depth = 0;
    }
    return statements;
  }

  private static void statement(List<Token> tokens, List<SqlStatement> out) {
    int i = 0;
    while (i < tokens.size() && tokens.get(i).is("(")) {
      i++;
    }
    if (i >= tokens.size()) {
      return;
    }
    String first = tokens.get(i).upper;
    switch (first) {
      case "SELECT", "WITH" -> {
        int main = i;
        if (first.equals("WITH")) {
          main = -1;
          for (int j = i + 1, depth = 0; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
            if (depth == 0 && (t.is("SELECT") || t.is("INSERT") || t.is("UPDATE")
                || t.is("DELETE"))) {
              main = j;
              break;
            }
          }
          if (main < 0 || !tokens.get(main).is("SELECT")) {
            out.add(other());
            return;
          }
        }
        // Split top-level set operations into branches.
        int branchStart = main;
        for (int j = main, depth = 0; j <= tokens.size(); j++) {
          Token t = j < tokens.size() ? tokens.get(j) : null;
          if (t != null) {
            depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
          }
          if (t == null || depth == 0 && (t.is("UNION") || t.is("INTERSECT") || t.is("EXCEPT")
              || t.is("MINUS"))) {
            int from = branchStart;
            while (from < j && !tokens.get(from).is("SELECT")) {
              from++;
            }
            if (from < j) {
              out.add(select(tokens.subList(from, j)));
            }
            branchStart = j + 1;
          }
        }
      }
      case "TABLE" -> out.add(new SqlStatement("select", true, true,
          i + 1 < tokens.size() ? List.of(tableName(tokens.get(i + 1).text)) : List.of(),
          List.of("*")));
      case "COPY", "\\COPY" -> out.add(copy(tokens.subList(i, tokens.size())));
      default -> out.add(other());
    }
  }

  private static SqlStatement other() {
    return new SqlStatement("other", false, false, List.of(), List.of());
  }

  /** Tokens from {@code SELECT} to the end of the branch. */
  private static SqlStatement select(List<Token> tokens) {
    boolean star = false;
    boolean hasWhere = false;
    boolean tautology = false;
    boolean limited = false;
    boolean outfile = false;
    List<String> tables = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    int depth = 0;
    int section = 0; // 0 select list, 1 from, 2 other
    boolean expectTable = false;
    for (int i = 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.is("(")) {
        depth++;
        expectTable = false;
        continue;
      }
      if (t.is(")")) {
        depth = Math.max(0, depth - 1);
        continue;
      }
      if (depth > 0) {
        continue;
      }
      Token previous = tokens.get(i - 1);
      if (t.is("FROM") && section == 0) {
        section = 1;
        expectTable = true;
        continue;
      }
      if (t.is("TOP") && section == 0) {
        limited |= i + 1 < tokens.size() && smallNumber(tokens.get(i + 1));
        continue;
      }
      if (t.is("INTO") && i + 1 < tokens.size()
          && (tokens.get(i + 1).is("OUTFILE") || tokens.get(i + 1).is("DUMPFILE"))) {
        outfile = true;
        continue;
      }
      if (t.is("WHERE")) {
        section = 2;
        hasWhere = true;
        tautology = isTautology(tokens, i + 1);
        continue;
      }
      if (t.is("LIMIT") || t.is("FETCH") || t.is("ROWNUM")) {
        section = 2;
        int n = i + 1;
        while (n < tokens.size() && (tokens.get(n).is("FIRST") || tokens.get(n).is("NEXT"))) {
          n++;
        }
        limited |= n < tokens.size() && smallNumber(tokens.get(n))
            || t.is("FETCH") && n < tokens.size() && tokens.get(n).is("ROW");
        continue;
      }
      switch (section) {
        case 0 -> {
          if (t.is("*") && (previous.is("SELECT") || previous.is(",") || previous.is("DISTINCT")
              || previous.is("ALL") || previous.text.endsWith("."))) {
            star = true;
            columns.add("*");
          } else if (t.identifier) {
            columns.add(columnName(t.text));
          }
        }
        case 1 -> {
          if (FROM_END.contains(t.upper)) {
            section = t.is("ON") || t.is("USING") ? 1 : 2;
            expectTable = false;
          } else if (t.is(",") || JOIN_WORDS.contains(t.upper)) {
            expectTable = true;
          } else if (expectTable && t.identifier && !SKIP_AFTER_FROM.contains(t.upper)) {
            tables.add(tableName(t.text));
            expectTable = false;
          }
        }
        default -> {
          if (t.is("JOIN")) {
            section = 1;
            expectTable = true;
          }
        }
      }
    }
    boolean unbounded = (!hasWhere || tautology) && !limited;
    return new SqlStatement(outfile ? "export" : "select", star, unbounded, List.copyOf(tables),
        List.copyOf(columns));
  }

  /** {@code COPY t [(cols)] TO ...} or {@code COPY (query) TO ...}; {@code FROM} is an import. */
  private static SqlStatement copy(List<Token> tokens) {
    int depth = 0;
    for (int i = 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
      if (depth == 0 && t.is("FROM")) {
        return other();
      }
      if (depth == 0 && t.is("TO")) {
        if (tokens.get(1).is("(")) {
          int end = i - 1;
          List<Token> inner = tokens.subList(2, Math.max(2, end));
          List<SqlStatement> parsed = new ArrayList<>();
          statement(inner, parsed);
          SqlStatement query = parsed.isEmpty() ? other() : parsed.get(0);
          return new SqlStatement("export", query.star(), query.unbounded(), query.tables(),
              query.columns());
        }
        return new SqlStatement("export", true, true, List.of(tableName(tokens.get(1).text)),
            List.of("*"));
      }
    }
    return other();
  }

  private static boolean isTautology(List<Token> tokens, int at) {
    if (at >= tokens.size()) {
      return true;
    }
    Token a = tokens.get(at);
    Token next = at + 1 < tokens.size() ? tokens.get(at + 1) : null;
    boolean ends = next == null || isClauseEnd(next);
    if (ends && (a.is("TRUE") || a.text.equals("1"))) {
      return true;
    }
    if (at + 2 < tokens.size() && tokens.get(at + 1).is("=")) {
      Token b = tokens.get(at + 2);
      boolean literal = !a.identifier || a.is("TRUE");
      boolean closes = at + 3 >= tokens.size() || isClauseEnd(tokens.get(at + 3));
      return literal && closes && a.text.equals(b.text);
    }
    return false;
  }

  private static boolean isClauseEnd(Token t) {
    return t.is("GROUP") || t.is("ORDER") || t.is("HAVING") || t.is(";") || t.is(")")
        || t.is("INTO") || t.is("UNION") || t.is("OR");
  }

  private static boolean smallNumber(Token t) {
    try {
      return Long.parseLong(t.text) <= BULK_ROWS;
    } catch (NumberFormatException e) {
      // A parameter ($1, ?, :n) or expression: assume the caller bounds it.
      return !t.text.isEmpty() && (t.text.charAt(0) == '$' || t.text.charAt(0) == '?'
          || t.text.charAt(0) == ':' || t.text.charAt(0) == '@');
    }
  }

  private static String tableName(String text) {
    String name = stripQuotes(text);
    int dot = name.lastIndexOf('.');
    return (dot >= 0 ? name.substring(dot + 1) : name).toLowerCase(Locale.ROOT);
  }

  private static String columnName(String text) {
    return tableName(text);
  }

  private static String stripQuotes(String text) {
    return text.replace("\"", "").replace("`", "").replace("[", "").replace("]", "");
  }

  // ---- lexer

  private static List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n && tokens.size() < MAX_TOKENS) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-'
          || c == '#' && (i == 0 || Character.isWhitespace(sql.charAt(i - 1)))) {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        int j = i + 1;
        while (j < n) {
          if (sql.charAt(j) == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
            j += 2;
          } else if (sql.charAt(j) == '\\' && j + 1 < n) {
            j += 2;
          } else if (sql.charAt(j) == '\'') {
            break;
          } else {
            j++;
          }
        }
        tokens.add(new Token(sql.substring(i, Math.min(n, j + 1)), false));
        i = j + 1;
      } else if (c == '"' || c == '`' || c == '[') {
        char close = c == '[' ? ']' : c;
        int end = sql.indexOf(close, i + 1);
        int stop = end < 0 ? n : end + 1;
        // A quoted identifier may continue with .name (schema."table").
        tokens.add(new Token(sql.substring(i, stop), true));
        i = stop;
      } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$'
          || Character.isLetter(sql.charAt(i + 1)))) {
        int tagEnd = sql.indexOf('$', i + 1);
        if (tagEnd > 0 && sql.substring(i + 1, tagEnd).chars().allMatch(
            ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
          String tag = sql.substring(i, tagEnd + 1);
          int end = sql.indexOf(tag, tagEnd + 1);
          int stop = end < 0 ? n : end + tag.length();
          tokens.add(new Token(sql.substring(i, stop), false));
          i = stop;
        } else {
          int j = i + 1;
          while (j < n && Character.isLetterOrDigit(sql.charAt(j))) {
            j++;
          }
          tokens.add(new Token(sql.substring(i, j), false));
          i = j;
        }
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '\\' || c == '@' || c == ':'
          || c == '$' || c == '?') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
            || sql.charAt(j) == '.' || sql.charAt(j) == '$')) {
          j++;
        }
        String word = sql.substring(i, j);
        boolean identifier = Character.isLetter(c) || c == '_';
        tokens.add(new Token(word, identifier));
        i = j;
      } else {
        tokens.add(new Token(String.valueOf(c), false));
        i++;
      }
    }
    return tokens;
  }

  private static final class Token {
    final String text;
    final String upper;
    final boolean identifier;

    Token(String text, boolean identifier) {
      this.text = text;
      this.upper = text.toUpperCase(Locale.ROOT);
      this.identifier = identifier;
    }

    boolean is(String keyword) {
      return upper.equals(keyword);
    }
  }
}
