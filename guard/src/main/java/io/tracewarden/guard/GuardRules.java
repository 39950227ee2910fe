package io.tracewarden.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tracewarden.engine.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads guard rule files: a {@code sets} mapping of named pattern lists and a {@code rules} list.
 * Every key is checked; every pattern is compiled here, so a bad file fails at config time.
 */
final class GuardRules {

  static final String BUILTIN = "builtin";
  static final String BUILTIN_RESOURCE = "/io/tracewarden/guard/builtin.yaml";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> TOP_KEYS = Set.of("sets", "rules");
  private static final Set<String> RULE_KEYS = Set.of("id", "description", "severity", "action",
      "priority", "match", "examples");
  private static final Set<String> MATCHER_KEYS = Set.of("command", "subcommand", "flags",
      "flags_none", "max_args", "max_positionals", "files", "files_not", "args_regex", "rules",
      "pipeline", "sql", "url");
  private static final Set<String> SQL_KEYS = Set.of("statement", "star", "unbounded", "tables",
      "columns");
  private static final Set<String> EXAMPLE_KEYS = Set.of("match", "no_match");

  private final Map<String, List<String>> sets = new LinkedHashMap<>();
  private final Map<String, GuardRule> rules = new LinkedHashMap<>();

  /** Loads {@code builtin} and/or rule files, in order; later files may use earlier sets/rules. */
  static List<GuardRule> load(List<String> sources) throws IOException {
    GuardRules loader = new GuardRules();
    for (String source : sources) {
      if (source.equals(BUILTIN)) {
        try (InputStream in = GuardRules.class.getResourceAsStream(BUILTIN_RESOURCE)) {
          if (in == null) {
            throw new IOException("built-in guard rules " + BUILTIN_RESOURCE + " not found");
          }
          loader.add(YAML.readTree(in), BUILTIN_RESOURCE);
        }
      } else {
        loader.add(YAML.readTree(Files.readString(Path.of(source))), source);
      }
    }
    return List.copyOf(loader.rules.values());
  }

  /** The built-in pack; it is tested, so failure here is a packaging bug. */
  static List<GuardRule> builtin() {
    try {
      return load(List.of(BUILTIN));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in guard rules", e);
    }
  }

  private void add(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a mapping with 'rules'");
    }
    checkKeys(root, TOP_KEYS, source);
    JsonNode setsNode = root.path("sets");
    for (Iterator<Map.Entry<String, JsonNode>> it = setsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      sets.put(entry.getKey(), strings(entry.getValue(), source + ": set " + entry.getKey()));
    }
    for (JsonNode ruleNode : root.path("rules")) {
      String id = ruleNode.path("id").asText("");
      String where = source + ": rule '" + id + "'";
      if (!isRuleId(id)) {
        throw new IllegalArgumentException(source + ": rule id '" + id
            + "' must be lower-case letters, digits and '-'");
      }
      if (rules.containsKey(id)) {
        throw new IllegalArgumentException(where + ": duplicate id");
      }
      try {
        rules.put(id, rule(ruleNode, id));
      } catch (IllegalArgumentException | PatternSyntaxException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
  }

  private GuardRule rule(JsonNode node, String id) {
    checkKeys(node, RULE_KEYS, "");
    String description = node.path("description").asText("");
    if (description.isEmpty()) {
      throw new IllegalArgumentException("description is required");
    }
    Severity severity = Severity.parse(node.path("severity").asText("high"));
    Action action = Action.parse(node.path("action").asText("block"));
    if (action == null) {
      throw new IllegalArgumentException("action must be block, hold or flag");
    }
    JsonNode match = node.path("match");
    List<JsonNode> matchers = new ArrayList<>();
    if (match.isArray()) {
      match.forEach(matchers::add);
    } else if (match.isObject()) {
      matchers.add(match);
    }
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("match is required");
    }
    List<CommandMatcher> commands = new ArrayList<>();
    List<List<CommandMatcher>> pipelines = new ArrayList<>();
    List<SqlMatcher> sql = new ArrayList<>();
    List<Pattern> urls = new ArrayList<>();
    for (JsonNode matcher : matchers) {
      checkKeys(matcher, MATCHER_KEYS, "match: ");
      if (matcher.has("sql")) {
        requireOnly(matcher, "sql");
        sql.add(sqlMatcher(matcher.get("sql")));
      } else if (matcher.has("url")) {
        requireOnly(matcher, "url");
        for (String regex : strings(matcher.get("url"), "url")) {
          urls.add(Pattern.compile(regex));
        }
      } else if (matcher.has("pipeline")) {
        requireOnly(matcher, "pipeline");
        List<CommandMatcher> stages = new ArrayList<>();
        for (JsonNode stage : matcher.get("pipeline")) {
          checkKeys(stage, MATCHER_KEYS, "pipeline stage: ");
          stages.add(commandMatcher(stage));
        }
        if (stages.size() < 2) {
          throw new IllegalArgumentException("a pipeline needs at least two stages");
        }
        pipelines.add(List.copyOf(stages));
      } else {
        commands.add(commandMatcher(matcher));
      }
    }
    JsonNode examples = node.path("examples");
    checkKeys(examples, EXAMPLE_KEYS, "examples: ");
    return new GuardRule(id, description, severity, action, node.path("priority").asInt(0),
        List.copyOf(commands),
        List.copyOf(pipelines), List.copyOf(sql), List.copyOf(urls),
        examples.has("match") ? strings(examples.get("match"), "examples.match") : List.of(),
        examples.has("no_match") ? strings(examples.get("no_match"), "examples.no_match")
            : List.of());
  }

  private CommandMatcher commandMatcher(JsonNode node) {
    if (node.has("sql") || node.has("url") || node.has("pipeline")) {
      throw new IllegalArgumentException("a command matcher cannot have sql, url or pipeline");
    }
    Glob program = node.has("command") ? Glob.of(strings(node.get("command"), "command"), sets)
        : null;
    List<Glob> subcommand = new ArrayList<>();
    for (String word : node.has("subcommand") ? strings(node.get("subcommand"), "subcommand")
        : List.<String>of()) {
      subcommand.add(Glob.of(List.of(word), sets));
    }
    List<CommandMatcher> anyOf = new ArrayList<>();
    if (node.has("rules")) {
      for (String ref : strings(node.get("rules"), "rules")) {
        GuardRule referenced = rules.get(ref);
        if (referenced == null || referenced.commands().isEmpty()) {
          throw new IllegalArgumentException("rules: '" + ref
              + "' is not an earlier rule with command matchers");
        }
        anyOf.addAll(referenced.commands());
      }
    }
    CommandMatcher matcher = new CommandMatcher(program, List.copyOf(subcommand),
        flags(node.get("flags")), flags(node.get("flags_none")),
        node.path("max_args").asInt(-1), node.path("max_positionals").asInt(-1),
        node.has("files") ? PathGlob.of(strings(node.get("files"), "files"), sets) : null,
        node.has("files_not") ? PathGlob.of(strings(node.get("files_not"), "files_not"), sets)
            : null,
        node.has("args_regex") ? Pattern.compile(node.get("args_regex").asText()) : null,
        List.copyOf(anyOf));
    if (program == null && subcommand.isEmpty() && matcher.flags().isEmpty()
        && matcher.files() == null && matcher.argsRegex() == null && anyOf.isEmpty()) {
      throw new IllegalArgumentException("a command matcher needs command, subcommand, flags, "
          + "files, args_regex or rules");
    }
    return matcher;
  }

  private List<CommandMatcher.FlagSpec> flags(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    List<CommandMatcher.FlagSpec> out = new ArrayList<>();
    for (String spec : strings(node, "flags")) {
      int eq = spec.indexOf('=');
      String names = eq < 0 ? spec : spec.substring(0, eq);
      List<String> nameList = List.copyOf(Glob.splitBars(names));
      for (String name : nameList) {
        if (!name.startsWith("-")) {
          throw new IllegalArgumentException("flag '" + name + "' must start with '-'");
        }
      }
      out.add(new CommandMatcher.FlagSpec(nameList,
          eq < 0 ? null : Glob.of(List.of(spec.substring(eq + 1)), sets)));
    }
    return List.copyOf(out);
  }

  private SqlMatcher sqlMatcher(JsonNode node) {
    checkKeys(node, SQL_KEYS, "sql: ");
    String statement = node.has("statement") ? node.get("statement").asText() : null;
    if (statement != null && !statement.equals("select") && !statement.equals("export")) {
      throw new IllegalArgumentException("sql.statement must be select or export");
    }
    return new SqlMatcher(statement,
        node.has("star") ? node.get("star").asBoolean() : null,
        node.has("unbounded") ? node.get("unbounded").asBoolean() : null,
        node.has("tables") ? Glob.of(strings(node.get("tables"), "tables"), sets) : null,
        node.has("columns") ? Glob.of(strings(node.get("columns"), "columns"), sets) : null);
  }

  static boolean isRuleId(String id) {
    if (id.isEmpty() || id.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static void requireOnly(JsonNode matcher, String key) {
    if (matcher.size() != 1) {
      throw new IllegalArgumentException("a '" + key + "' matcher takes no other keys");
    }
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + "expected a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(where + "unknown key '" + key + "' (valid: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static List<String> strings(JsonNode node, String what) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        if (!item.isValueNode() || item.isNull()) {
          throw new IllegalArgumentException(what + ": expected strings");
        }
        out.add(item.asText());
      }
    } else {
      throw new IllegalArgumentException(what + ": expected a string or a list of strings");
    }
    return List.copyOf(out);
  }
}
