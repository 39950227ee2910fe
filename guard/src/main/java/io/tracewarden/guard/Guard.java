package io.tracewarden.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Applies the enabled rules to the things a record can carry: shell command lines, argument
 * vectors, SQL, URLs, tool-call arguments and GenAI message arrays. Stateless and thread-safe.
 *
 * <p>The strings it reads may hold raw secrets (in the javaagent nothing has been masked yet): a
 * {@link Verdict}'s excerpt is the matched input, so only callers that have masked it first may
 * show it anywhere.
 */
public final class Guard {

  /** Strings longer than this are not parsed (they are outputs, not commands). */
  static final int MAX_INPUT = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SHELL_KEYS = Set.of("command", "cmd", "commandline",
      "command_line", "script", "shell", "bash", "shell_command", "commands", "input");
  private static final Set<String> ARGV_KEYS = Set.of("argv", "args", "arguments");
  private static final Set<String> SQL_KEYS = Set.of("query", "sql", "statement", "sql_query",
      "db.query.text", "db.statement");
  private static final Set<String> PATH_KEYS = Set.of("path", "file", "file_path", "filepath",
      "filename", "target_file", "absolute_path", "relative_path");
  private static final Set<String> URL_KEYS = Set.of("url", "uri", "endpoint", "href");
  private static final Set<String> CODE_KEYS = Set.of("code", "source");
  private static final Set<String> SQL_CLIENTS = Set.of("psql", "mysql", "mariadb", "sqlite3",
      "sqlite", "duckdb", "clickhouse-client", "clickhouse", "sqlcmd", "snowsql", "bq",
      "cockroach", "trino", "presto");

  private final List<GuardRule> rules;

  Guard(List<GuardRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The built-in rule pack. */
  public static Guard builtin() {
    return new Guard(GuardRules.builtin());
  }

  /**
   * Loads {@code builtin} and/or rule files, in order; later files may use earlier sets and rules.
   *
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when a rule is invalid (the message names the file and rule)
   */
  public static Guard load(List<String> sources) throws IOException {
    return new Guard(GuardRules.load(sources));
  }

  /** The ids of the rules, in file order. */
  public List<String> ruleIds() {
    return rules.stream().map(GuardRule::id).toList();
  }

  /** The description of rule {@code ruleId} (from the rule file), or null if there is none. */
  public String description(String ruleId) {
    for (GuardRule rule : rules) {
      if (rule.id().equals(ruleId)) {
        return rule.description();
      }
    }
    return null;
  }

  /** This guard without the {@code disabled} rules and with the {@code actions} overrides. */
  public Guard configure(Set<String> disabled, Map<String, Action> actions) {
    List<GuardRule> enabled = new ArrayList<>();
    for (GuardRule rule : rules) {
      if (!disabled.contains(rule.id())) {
        Action override = actions.get(rule.id());
        enabled.add(override == null ? rule : rule.withAction(override));
      }
    }
    return new Guard(enabled);
  }

  List<GuardRule> rules() {
    return rules;
  }

  // ---- entry points

  /**
   * A tool about to run: its name and its arguments (a JSON object, or the plain command for a
   * shell- or SQL-like tool). Null when no rule matches.
   */
  public Verdict inspect(String toolName, String arguments) {
    return toolCall(toolName, arguments, "gen_ai.tool.call.arguments");
  }

  public Verdict shell(String text, String location) {
    if (text.isEmpty() || text.length() > MAX_INPUT) {
      return null;
    }
    Matches matches = new Matches(text, location, false);
    evaluate(ShellParser.parse(text), matches);
    return matches.best;
  }

  public Verdict argv(List<String> argv, String location) {
    if (argv.isEmpty()) {
      return null;
    }
    Matches matches = new Matches(String.join(" ", argv), location, false);
    evaluate(ShellParser.parseArgv(argv), matches);
    return matches.best;
  }

  public Verdict sql(String text, String location) {
    if (text.isEmpty() || text.length() > MAX_INPUT) {
      return null;
    }
    Matches matches = new Matches(text, location, false);
    evaluateSql(SqlParser.parse(text), matches);
    return matches.best;
  }

  public Verdict url(String url, String location) {
    if (url.isEmpty() || url.length() > MAX_INPUT) {
      return null;
    }
    Matches matches = new Matches(url, location, false);
    evaluateUrl(url, matches);
    return matches.best;
  }

  /** {@code gen_ai.tool.call.arguments}: a JSON object, or plain text for a shell-like tool. */
  public Verdict toolCall(String toolName, String arguments, String location) {
    if (arguments.isEmpty() || arguments.length() > MAX_INPUT) {
      return null;
    }
    JsonNode parsed = null;
    char first = firstNonSpace(arguments);
    if (first == '{' || first == '[' || first == '"') {
      try {
        parsed = JSON.readTree(arguments);
      } catch (JsonProcessingException e) {
        parsed = null;
      }
    }
    if (parsed == null || parsed.isTextual()) {
      String text = parsed == null ? arguments : parsed.asText();
      return plainToolInput(toolName, text, location);
    }
    return toolCall(toolName, parsed, location);
  }

  /**
   * {@code gen_ai.input.messages} / {@code gen_ai.output.messages}: inspects every
   * {@code tool_call} part. Responses are outputs and are left to the volume rules.
   */
  public Verdict messages(String json, String location) {
    if (json.length() > MAX_INPUT || !json.contains("tool_call")) {
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
    Verdict best = null;
    for (JsonNode message : root.isArray() ? root : JSON.createArrayNode().add(root)) {
      for (JsonNode part : message.path("parts")) {
        if (!"tool_call".equals(part.path("type").asText())) {
          continue;
        }
        String name = part.path("name").asText("");
        JsonNode arguments = part.path("arguments");
        Verdict verdict = arguments.isTextual()
            ? toolCall(name, arguments.asText(), location)
            : arguments.isObject() ? toolCall(name, arguments, location) : null;
        best = Verdict.stronger(best, verdict);
      }
    }
    return best;
  }

  /** For tests: the ids of every rule matching {@code text} read as {@code kind}. */
  List<String> matchingRules(String kind, String text) {
    Matches matches = new Matches(text, kind, true);
    switch (kind) {
      case "shell" -> evaluate(ShellParser.parse(text), matches);
      case "sql" -> evaluateSql(SqlParser.parse(text), matches);
      case "url" -> evaluateUrl(text, matches);
      default -> throw new IllegalArgumentException("kind " + kind);
    }
    return matches.all;
  }

  // ---- tool calls

  private Verdict toolCall(String toolName, JsonNode arguments, String location) {
    if (!arguments.isObject()) {
      return null;
    }
    String tool = toolName.toLowerCase(Locale.ROOT);
    Verdict best = null;
    JsonNode command = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = arguments.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey().toLowerCase(Locale.ROOT);
      JsonNode value = field.getValue();
      if (SHELL_KEYS.contains(key) && (key.equals("command") || key.equals("cmd"))) {
        command = value;
      }
      Verdict verdict = null;
      if (value.isTextual()) {
        String text = value.asText();
        if (SHELL_KEYS.contains(key)) {
          verdict = isSqlTool(tool) ? sql(text, location) : shell(text, location);
        } else if (SQL_KEYS.contains(key)) {
          verdict = sql(text, location);
        } else if (URL_KEYS.contains(key)) {
          verdict = url(text, location);
        } else if (CODE_KEYS.contains(key)) {
          verdict = code(tool, text, location);
        } else if (PATH_KEYS.contains(key) && readsFiles(tool, arguments)) {
          verdict = argv(List.of("cat", text), location);
        }
      } else if (value.isArray() && (ARGV_KEYS.contains(key) || SHELL_KEYS.contains(key))) {
        List<String> argv = new ArrayList<>();
        if (ARGV_KEYS.contains(key) && command != null && command.isTextual()) {
          argv.add(command.asText());
        } else if (ARGV_KEYS.contains(key) && arguments.path("command").isTextual()) {
          argv.add(arguments.path("command").asText());
        }
        value.forEach(item -> argv.add(item.asText()));
        verdict = argv(argv, location);
      }
      best = Verdict.stronger(best, verdict);
    }
    return best;
  }

  private Verdict plainToolInput(String toolName, String text, String location) {
    String tool = toolName.toLowerCase(Locale.ROOT);
    if (isSqlTool(tool)) {
      return sql(text, location);
    }
    if (isShellTool(tool)) {
      return shell(text, location);
    }
    return null;
  }

  private Verdict code(String tool, String code, String location) {
    if (tool.contains("python") || tool.contains("jupyter") || tool.contains("notebook")) {
      return argv(List.of("python", "-c", code), location);
    }
    if (tool.contains("node") || tool.contains("javascript") || tool.contains("js")) {
      return argv(List.of("node", "-e", code), location);
    }
    if (isSqlTool(tool)) {
      return sql(code, location);
    }
    return shell(code, location);
  }

  private static boolean isShellTool(String tool) {
    return tool.contains("bash") || tool.contains("shell") || tool.contains("terminal")
        || tool.contains("exec") || tool.contains("command") || tool.equals("sh")
        || tool.contains("run") || tool.contains("cmd") || tool.contains("console");
  }

  private static boolean isSqlTool(String tool) {
    return tool.contains("sql") || tool.contains("query") || tool.contains("database")
        || tool.startsWith("db") || tool.contains("_db") || tool.contains("postgres")
        || tool.contains("bigquery") || tool.contains("snowflake");
  }

  private static boolean readsFiles(String tool, JsonNode arguments) {
    if (tool.contains("write") || tool.contains("edit") || tool.contains("create")
        || tool.contains("delete")) {
      return "view".equals(arguments.path("command").asText(""));
    }
    return tool.contains("read") || tool.contains("view") || tool.contains("cat")
        || tool.contains("open") || tool.contains("get_file") || tool.contains("load")
        || tool.contains("file");
  }

  private static char firstNonSpace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return text.charAt(i);
      }
    }
    return '\0';
  }

  // ---- evaluation

  private void evaluate(List<List<ShellCommand>> pipelines, Matches matches) {
    for (int r = 0; r < rules.size(); r++) {
      GuardRule rule = rules.get(r);
      if (matchesShell(rule, pipelines)) {
        matches.add(rule, r);
      }
    }
    List<SqlStatement> embedded = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (List<ShellCommand> pipeline : pipelines) {
      for (int i = 0; i < pipeline.size(); i++) {
        ShellCommand command = pipeline.get(i);
        for (String sql : embeddedSql(command, i > 0 ? pipeline.get(i - 1) : null)) {
          embedded.addAll(SqlParser.parse(sql));
        }
        for (String arg : command.args()) {
          int scheme = arg.indexOf("://");
          if (scheme > 0) {
            urls.add(arg.substring(Math.max(0, startOfUrl(arg, scheme))));
          }
        }
      }
    }
    if (!embedded.isEmpty()) {
      evaluateSql(embedded, matches);
    }
    for (String url : urls) {
      evaluateUrl(url, matches);
    }
  }

  private static int startOfUrl(String arg, int scheme) {
    int start = scheme;
    while (start > 0 && Character.isLetter(arg.charAt(start - 1))) {
      start--;
    }
    return start;
  }

  private static boolean matchesShell(GuardRule rule, List<List<ShellCommand>> pipelines) {
    for (CommandMatcher matcher : rule.commands()) {
      for (List<ShellCommand> pipeline : pipelines) {
        for (ShellCommand command : pipeline) {
          if (matcher.matches(command)) {
            return true;
          }
        }
      }
    }
    for (List<CommandMatcher> stages : rule.pipelines()) {
      for (List<ShellCommand> pipeline : pipelines) {
        if (pipeline.size() >= stages.size() && matchesStages(stages, pipeline)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the stages match commands of the pipeline in order (not necessarily adjacent). */
  private static boolean matchesStages(List<CommandMatcher> stages, List<ShellCommand> pipeline) {
    int stage = 0;
    for (ShellCommand command : pipeline) {
      if (stage < stages.size() && stages.get(stage).matches(command)) {
        stage++;
      }
    }
    return stage == stages.size();
  }

  private void evaluateSql(List<SqlStatement> statements, Matches matches) {
    for (int r = 0; r < rules.size(); r++) {
      GuardRule rule = rules.get(r);
      outer:
      for (SqlMatcher matcher : rule.sql()) {
        for (SqlStatement statement : statements) {
          if (matcher.matches(statement)) {
            matches.add(rule, r);
            break outer;
          }
        }
      }
    }
  }

  private void evaluateUrl(String url, Matches matches) {
    for (int r = 0; r < rules.size(); r++) {
      GuardRule rule = rules.get(r);
      for (Pattern pattern : rule.urls()) {
        if (pattern.matcher(url).find()) {
          matches.add(rule, r);
          break;
        }
      }
    }
  }

  /** SQL a database client runs: {@code psql -c}, {@code mysql -e}, here-documents, echo pipes. */
  static List<String> embeddedSql(ShellCommand command, ShellCommand previous) {
    if (!SQL_CLIENTS.contains(command.program())) {
      return List.of();
    }
    List<String> sql = new ArrayList<>();
    List<String> args = command.args();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String value = null;
      switch (command.program()) {
        case "psql", "cockroach" -> value = optionValue(args, i, "-c", "--command");
        case "mysql", "mariadb", "trino", "presto" ->
            value = optionValue(args, i, "-e", "--execute");
        case "clickhouse-client", "clickhouse", "snowsql" ->
            value = optionValue(args, i, "-q", "--query");
        case "sqlcmd" -> value = optionValue(args, i, "-Q", "-q");
        default -> value = null;
      }
      if (value != null) {
        sql.add(value);
      }
      if (arg.equals("--")) {
        break;
      }
    }
    List<String> positionals = command.positionals();
    switch (command.program()) {
      case "sqlite3", "sqlite", "duckdb" -> {
        if (positionals.size() >= 2) {
          sql.add(positionals.get(positionals.size() - 1));
        }
      }
      case "bq" -> {
        if (!positionals.isEmpty() && positionals.get(0).equals("query")
            && positionals.size() >= 2) {
          sql.add(positionals.get(positionals.size() - 1));
        }
      }
      default -> {
        // Options only.
      }
    }
    if (command.stdinText != null) {
      sql.add(command.stdinText);
    }
    if (previous != null && (previous.program().equals("echo")
        || previous.program().equals("printf"))) {
      sql.add(String.join(" ", previous.positionals()));
    }
    return sql;
  }

  private static String optionValue(List<String> args, int i, String... names) {
    String arg = args.get(i);
    for (String name : names) {
      if (arg.equals(name) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (name.startsWith("--") && arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
      if (!name.startsWith("--") && arg.startsWith(name) && arg.length() > name.length()) {
        return arg.substring(name.length());
      }
    }
    return null;
  }

  /** Collects the strongest verdict (and, for tests, every matching rule id). */
  private static final class Matches {
    final String text;
    final String location;
    final List<String> all;
    Verdict best;

    Matches(String text, String location, boolean collectAll) {
      this.text = text;
      this.location = location;
      this.all = collectAll ? new ArrayList<>() : null;
    }

    void add(GuardRule rule, int order) {
      if (all != null && !all.contains(rule.id())) {
        all.add(rule.id());
      }
      if (best != null && best.ruleId().equals(rule.id())) {
        return;
      }
      Verdict candidate = new Verdict(rule.id(), rule.severity(), rule.priority(), rule.action(),
          Verdict.excerpt(text), location, order);
      best = Verdict.stronger(best, candidate);
    }
  }
}
