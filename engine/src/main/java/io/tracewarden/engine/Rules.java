package io.tracewarden.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Loads rules: the built-in pack, our YAML format, and gitleaks TOML files. */
public final class Rules {

  /** Classpath location of the built-in rule pack. */
  public static final String BUILTIN_RESOURCE = "/io/tracewarden/engine/rules/builtin.yaml";

  /** The gitleaks severity for imported rules (gitleaks has none). */
  public static final Severity GITLEAKS_SEVERITY = Severity.HIGH;

  private static final Set<String> TOP_KEYS = Set.of("rules");
  private static final Set<String> RULE_KEYS = Set.of("id", "description", "severity", "regex",
      "secret_group", "keywords", "entropy", "validator", "generic", "allowlists", "examples", "near",
      "max_length");
  private static final Set<String> NEAR_KEYS = Set.of("chars", "within", "key_chars", "key_start", "literal", "lines");
  private static final Set<String> ALLOWLIST_KEYS =
      Set.of("regexes", "stopwords", "target", "condition");
  private static final Set<String> EXAMPLE_KEYS = Set.of("positive", "negative");

  /** Validators implied by well-known gitleaks rule ids. */
  private static final Map<String, String> GITLEAKS_VALIDATORS = Map.of(
      "github-pat", "github_crc32",
      "github-oauth", "github_crc32",
      "github-app-token", "github_crc32",
      "github-refresh-token", "github_crc32",
      "npm-access-token", "npm_crc32",
      "jwt", "jwt",
      "private-key", "pem");

  private static volatile Parsed builtin;

  private Rules() {}

  /**
   * The built-in rule pack ({@value #BUILTIN_RESOURCE} on the classpath).
   *
   * @throws IllegalStateException if it is missing, empty or invalid
   */
  public static List<Rule> builtin() {
    try {
      return builtinParsed().rules();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in rule pack " + BUILTIN_RESOURCE, e);
    }
  }

  static Parsed builtinParsed() throws IOException {
    Parsed p = builtin;
    if (p == null) {
      try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "built-in rule pack " + BUILTIN_RESOURCE + " not found on the classpath");
        }
        p = parse(in, BUILTIN_RESOURCE);
      }
      if (p.rules().isEmpty()) {
        throw new IllegalStateException("built-in rule pack " + BUILTIN_RESOURCE + " has no rules");
      }
      builtin = p;
    }
    return p;
  }

  /** Rules from a file in our YAML format. Errors name the file and the rule. */
  public static List<Rule> fromYaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return fromYaml(in, file.toString());
    }
  }

  /** Rules from YAML in our format; {@code sourceName} names the source in errors. */
  public static List<Rule> fromYaml(InputStream in, String sourceName) throws IOException {
    return parse(in, sourceName).rules();
  }

  /** The examples of each rule of a YAML rule file (empty lists for rules without). */
  public static List<RuleExamples> examplesOf(InputStream in, String sourceName)
      throws IOException {
    return parse(in, sourceName).examples();
  }

  /**
   * Loads a rule file by extension: {@code .toml} is gitleaks format (the global allowlist is
   * appended to every rule), {@code .yaml}/{@code .yml} is ours.
   */
  public static List<Rule> load(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".toml")) {
      return fromGitleaksToml(file).rulesWithGlobalAllowlist();
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return fromYaml(file);
    }
    throw new IllegalArgumentException(
        "unknown rule file type " + file + ": expected .yaml, .yml or .toml (gitleaks)");
  }

  /** Imports a gitleaks TOML configuration. See {@code docs/rules.md} for the differences. */
  public static GitleaksRules fromGitleaksToml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return fromGitleaksToml(in, file.toString());
    }
  }

  /** Imports gitleaks TOML; {@code sourceName} names the source in errors. */
  public static GitleaksRules fromGitleaksToml(InputStream in, String sourceName)
      throws IOException {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(sourceName + ": invalid TOML: " + e.getOriginalMessage(), e);
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int skipped = 0;
    JsonNode ruleNodes = root.path("rules");
    for (int i = 0; i < ruleNodes.size(); i++) {
      JsonNode r = ruleNodes.get(i);
      String id = r.path("id").asText("");
      String where = sourceName + ": rule '" + id + "' (#" + (i + 1) + ")";
      if (id.isEmpty()) {
        throw new IllegalArgumentException(where + ": missing id");
      }
      if (!r.hasNonNull("regex")) {
        if (r.hasNonNull("path")) {
          skipped++;
          continue;
        }
        throw new IllegalArgumentException(where + ": missing regex");
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException(where + ": duplicate rule id");
      }
      String regex = r.get("regex").asText();
      Pattern p = compile(regex, where);
      int group = r.has("secretGroup") ? r.get("secretGroup").asInt()
          : p.groupCount() > 0 ? Rule.FIRST_NON_EMPTY_GROUP : 0;
      List<Allowlist> allowlists = new ArrayList<>();
      for (JsonNode a : r.path("allowlists")) {
        addIfUsable(allowlists, gitleaksAllowlist(a, where));
      }
      if (r.has("allowlist")) {
        addIfUsable(allowlists, gitleaksAllowlist(r.get("allowlist"), where));
      }
      rules.add(wrap(where, () -> new Rule(id, r.path("description").asText(id),
          GITLEAKS_SEVERITY, regex, group, strings(r.path("keywords"), where, "keywords"),
          r.path("entropy").asDouble(0), GITLEAKS_VALIDATORS.get(id), allowlists,
          id.startsWith("generic"))));
    }
    List<String> regexes = new ArrayList<>();
    List<String> stopwords = new ArrayList<>();
    Allowlist.Target target = Allowlist.Target.SECRET;
    List<JsonNode> globals = new ArrayList<>();
    if (root.has("allowlist")) {
      globals.add(root.get("allowlist"));
    }
    root.path("allowlists").forEach(globals::add);
    for (JsonNode g : globals) {
      Allowlist a = gitleaksAllowlist(g, sourceName + ": global allowlist");
      if (a != null) {
        regexes.addAll(a.regexes());
        stopwords.addAll(a.stopwords());
        target = a.target();
      }
    }
    Allowlist global = new Allowlist(regexes, stopwords, target, Allowlist.Condition.OR);
    return new GitleaksRules(rules, global, skipped);
  }

  /** A gitleaks allowlist; null when it cannot apply here (AND with path/commit criteria). */
  private static Allowlist gitleaksAllowlist(JsonNode a, String where) {
    String what = where + " allowlist";
    Allowlist.Condition condition = a.has("condition")
        ? wrap(what, () -> Allowlist.Condition.parse(a.get("condition").asText()))
        : Allowlist.Condition.OR;
    boolean pathOrCommit = a.path("paths").size() > 0 || a.path("commits").size() > 0;
    if (condition == Allowlist.Condition.AND && pathOrCommit) {
      return null; // we scan strings, not files: a path/commit criterion never holds
    }
    List<String> regexes = strings(a.path("regexes"), what, "regexes");
    regexes.forEach(re -> compile(re, what));
    Allowlist.Target target = a.has("regexTarget")
        ? wrap(what, () -> Allowlist.Target.parse(a.get("regexTarget").asText()))
        : Allowlist.Target.SECRET;
    return new Allowlist(regexes, strings(a.path("stopwords"), what, "stopwords"), target,
        condition);
  }

  private static void addIfUsable(List<Allowlist> list, Allowlist a) {
    if (a != null && !a.isEmpty()) {
      list.add(a);
    }
  }

  // ---------------------------------------------------------------- our YAML format

  /** Rules and their examples from one YAML source. */
  record Parsed(List<Rule> rules, List<RuleExamples> examples) {}

  static Parsed parse(InputStream in, String sourceName) throws IOException {
    Objects.requireNonNull(in, "in");
    ObjectMapper yaml = new YAMLMapper();
    JsonNode root;
    try {
      root = yaml.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(sourceName + ": invalid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new Parsed(List.of(), List.of());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(sourceName + ": expected a mapping with a 'rules' list");
    }
    checkKeys(root, TOP_KEYS, sourceName);
    JsonNode list = root.path("rules");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw new IllegalArgumentException(sourceName + ": 'rules' must be a list");
    }
    List<Rule> rules = new ArrayList<>();
    List<RuleExamples> examples = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      String where = sourceName + ": rule #" + (i + 1);
      if (!r.isObject()) {
        throw new IllegalArgumentException(where + ": expected a mapping");
      }
      String id = text(r, "id", where, true);
      where = sourceName + ": rule '" + id + "' (#" + (i + 1) + ")";
      checkKebab(id, where);
      checkKeys(r, RULE_KEYS, where);
      if (!ids.add(id)) {
        throw new IllegalArgumentException(where + ": duplicate rule id");
      }
      Rule rule = yamlRule(r, id, where);
      rules.add(rule);
      JsonNode ex = r.path("examples");
      if (!ex.isMissingNode() && !ex.isNull()) {
        if (!ex.isObject()) {
          throw new IllegalArgumentException(where + ": 'examples' must be a mapping");
        }
        checkKeys(ex, EXAMPLE_KEYS, where + " examples");
      }
      examples.add(new RuleExamples(id, strings(ex.path("positive"), where, "examples.positive"),
          strings(ex.path("negative"), where, "examples.negative")));
    }
    return new Parsed(List.copyOf(rules), List.copyOf(examples));
  }

  private static Rule yamlRule(JsonNode r, String id, String where) {
    String description = text(r, "description", where, true);
    String severityText = text(r, "severity", where, true);
    Severity severity = wrap(where, () -> Severity.parse(severityText));
    String regex = text(r, "regex", where, true);
    Pattern p = compile(regex, where);
    int group = p.groupCount() > 0 ? 1 : 0;
    if (r.has("secret_group")) {
      JsonNode g = r.get("secret_group");
      if (!g.canConvertToInt() || !g.isIntegralNumber() || g.asInt() < 0) {
        throw new IllegalArgumentException(where + ": 'secret_group' must be an integer >= 0");
      }
      group = g.asInt();
      if (group > p.groupCount()) {
        throw new IllegalArgumentException(where + ": secret_group " + group
            + " but the regex has only " + p.groupCount() + " group(s)");
      }
    }
    double entropy = 0;
    if (r.has("entropy")) {
      if (!r.get("entropy").isNumber()) {
        throw new IllegalArgumentException(where + ": 'entropy' must be a number");
      }
      entropy = r.get("entropy").asDouble();
    }
    String validator = r.has("validator") ? text(r, "validator", where, false) : null;
    boolean generic = false;
    if (r.has("generic")) {
      if (!r.get("generic").isBoolean()) {
        throw new IllegalArgumentException(where + ": 'generic' must be true or false");
      }
      generic = r.get("generic").asBoolean();
    }
    List<Allowlist> allowlists = new ArrayList<>();
    JsonNode al = r.path("allowlists");
    if (!al.isMissingNode() && !al.isNull() && !al.isArray()) {
      throw new IllegalArgumentException(where + ": 'allowlists' must be a list");
    }
    for (int i = 0; i < al.size(); i++) {
      JsonNode a = al.get(i);
      String w = where + " allowlist #" + (i + 1);
      if (!a.isObject()) {
        throw new IllegalArgumentException(w + ": expected a mapping");
      }
      checkKeys(a, ALLOWLIST_KEYS, w);
      List<String> regexes = strings(a.path("regexes"), w, "regexes");
      regexes.forEach(re -> compile(re, w));
      Allowlist.Target target = a.has("target")
          ? wrap(w, () -> Allowlist.Target.parse(a.get("target").asText()))
          : Allowlist.Target.SECRET;
      Allowlist.Condition condition = a.has("condition")
          ? wrap(w, () -> Allowlist.Condition.parse(a.get("condition").asText()))
          : Allowlist.Condition.OR;
      allowlists.add(new Allowlist(regexes, strings(a.path("stopwords"), w, "stopwords"),
          target, condition));
    }
    List<String> keywords = strings(r.path("keywords"), where, "keywords");
    Rule.Near near = null;
    JsonNode nn = r.path("near");
    if (!nn.isMissingNode() && !nn.isNull()) {
      String w = where + " near";
      if (!nn.isObject()) {
        throw new IllegalArgumentException(w + ": expected a mapping");
      }
      checkKeys(nn, NEAR_KEYS, w);
      String chars = nn.has("chars") ? text(nn, "chars", w, true) : "";
      String literal = nn.has("literal") ? text(nn, "literal", w, true) : "";
      int lines = nn.has("lines") ? nn.get("lines").asInt(-1) : 1;
      int within = 64;
      if (nn.has("within")) {
        if (!nn.get("within").isIntegralNumber()) {
          throw new IllegalArgumentException(w + ": 'within' must be an integer");
        }
        within = nn.get("within").asInt();
      }
      String keyChars = nn.has("key_chars") ? text(nn, "key_chars", w, false) : "";
      boolean keyStart = false;
      if (nn.has("key_start")) {
        if (!nn.get("key_start").isBoolean()) {
          throw new IllegalArgumentException(w + ": 'key_start' must be true or false");
        }
        keyStart = nn.get("key_start").asBoolean();
      }
      int wi = within;
      boolean ks = keyStart;
      near = wrap(w, () -> new Rule.Near(chars, wi, keyChars, ks, literal, lines));
      if (keywords.isEmpty()) {
        throw new IllegalArgumentException(w + ": 'near' needs keywords");
      }
    }
    int maxLength = 0;
    if (r.has("max_length")) {
      JsonNode ml = r.get("max_length");
      if (!ml.isIntegralNumber() || !ml.canConvertToInt() || ml.asInt() < 1
          || ml.asInt() > Rule.MAX_LENGTH_LIMIT) {
        throw new IllegalArgumentException(
            where + ": 'max_length' must be an integer in 1.." + Rule.MAX_LENGTH_LIMIT);
      }
      maxLength = ml.asInt();
    }
    double e = entropy;
    int g = group;
    boolean gen = generic;
    Rule.Near nr = near;
    int ml = maxLength;
    return wrap(where, () -> new Rule(id, description, severity, regex, g, keywords, e,
        validator, allowlists, gen, nr, ml));
  }

  // ---------------------------------------------------------------- helpers

  private static Pattern compile(String regex, String where) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(where + ": invalid RE2 regex: " + e.getDescription(), e);
    }
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown key '" + k + "', expected one of "
            + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  private static String text(JsonNode node, String key, String where, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(where + ": missing required key '" + key + "'");
      }
      return null;
    }
    if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
      throw new IllegalArgumentException(where + ": '" + key + "' must be a string");
    }
    String s = v.asText();
    if (required && s.isBlank()) {
      throw new IllegalArgumentException(where + ": '" + key + "' must not be empty");
    }
    return s;
  }

  private static List<String> strings(JsonNode node, String where, String key) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + ": '" + key + "' must be a list of strings");
    }
    for (JsonNode n : node) {
      if (!n.isValueNode() || n.isNull()) {
        throw new IllegalArgumentException(where + ": '" + key + "' must be a list of strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  private static void checkKebab(String id, String where) {
    boolean ok = !id.isEmpty() && id.charAt(0) != '-' && id.charAt(id.length() - 1) != '-';
    for (int i = 0; ok && i < id.length(); i++) {
      char c = id.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || (c == '-' && id.charAt(i - 1) != '-');
    }
    if (!ok) {
      throw new IllegalArgumentException(where + ": id must be lower-kebab-case (a-z, 0-9, -)");
    }
  }

  private static <T> T wrap(String where, java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
