package io.tracewarden.guard;

import com.google.re2j.Pattern;
import io.tracewarden.engine.Severity;
import java.util.List;

/**
 * One guard rule: it matches when any of its matchers does.
 *
 * @param priority breaks ties between rules of the same action before severity does (default 0)
 * @param commands matchers on single commands
 * @param pipelines each a list of stages that must match commands of one pipeline, in order
 * @param sql matchers on SQL statements (from SQL attributes, SQL tool arguments, and SQL passed
 *     to {@code psql -c}, {@code mysql -e}, {@code sqlite3 db '...'} and the like)
 * @param urls RE2 expressions searched in URLs ({@code url.full}, {@code url} tool arguments and
 *     URL arguments of commands)
 * @param matchExamples inputs the rule must match (checked by the tests)
 * @param noMatchExamples look-alikes it must not match
 */
record GuardRule(String id, String description, Severity severity, Action action, int priority,
    List<CommandMatcher> commands, List<List<CommandMatcher>> pipelines, List<SqlMatcher> sql,
    List<Pattern> urls, List<String> matchExamples, List<String> noMatchExamples) {

  GuardRule withAction(Action newAction) {
    return new GuardRule(id, description, severity, newAction, priority, commands, pipelines, sql, urls,
        matchExamples, noMatchExamples);
  }

  /** The kind of input its examples are: {@code shell}, {@code sql} or {@code url}. */
  String exampleKind() {
    if (commands.isEmpty() && pipelines.isEmpty()) {
      return sql.isEmpty() ? "url" : "sql";
    }
    return "shell";
  }
}
