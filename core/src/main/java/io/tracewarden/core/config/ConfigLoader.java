package io.tracewarden.core.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML config files into a {@link ConfigNode} tree, substituting {@code ${env:VAR}},
 * {@code ${env:VAR:-default}}, {@code ${file:PATH}} and {@code $$}, and merging several files in
 * order: mappings merge key by key, anything else in a later file replaces the earlier value.
 */
public final class ConfigLoader {

  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private final Function<String, String> environment;

  public ConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  public static ConfigLoader fromSystemEnvironment() {
    return new ConfigLoader(System::getenv);
  }

  /** Loads and merges {@code files} in order. */
  public ConfigNode.Mapping load(List<Path> files) {
    ConfigNode.Mapping merged = null;
    for (Path file : files) {
      ConfigNode.Mapping next = parse(read(file), file.toString());
      merged = merged == null ? next : merge(merged, next);
    }
    if (merged == null) {
      throw new ConfigException(Location.UNKNOWN, "", "no config file given");
    }
    return merged;
  }

  /** Parses one YAML document; {@code source} names it in errors. */
  public ConfigNode.Mapping parse(String yaml, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setNestingDepthLimit(64);
    options.setCodePointLimit(MAX_CONFIG_BYTES);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new ConfigException(location(source, mark), "", "invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(new Location(source, 0, 0), "", "invalid YAML: " + e.getMessage());
    } catch (RuntimeException e) {
      // SnakeYAML lets some errors out unwrapped, e.g. IllegalArgumentException for a bad tag.
      throw new ConfigException(new Location(source, 0, 0), "", "invalid YAML: "
          + e.getClass().getSimpleName());
    }
    if (root == null) {
      return ConfigNode.Mapping.empty(new Location(source, 1, 1));
    }
    ConfigNode node = convert(root, source, "", new IdentityHashMap<>());
    if (node instanceof ConfigNode.Mapping mapping) {
      return mapping;
    }
    throw new ConfigException(node.location(), "", "the config must be a mapping of sections");
  }

  private static String read(Path file) {
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw new ConfigException(new Location(file.toString(), 0, 0), "",
            "config file is larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new ConfigException(new Location(file.toString(), 0, 0), "", "config file not found");
    } catch (CharacterCodingException e) {
      throw new ConfigException(new Location(file.toString(), 0, 0), "", "config file is not UTF-8");
    } catch (IOException e) {
      throw new ConfigException(new Location(file.toString(), 0, 0), "",
          "cannot read config file: " + e.getMessage());
    }
  }

  /** {@code ancestors} holds the collection nodes being converted, to refuse alias cycles. */
  private ConfigNode convert(Node node, String source, String path,
      Map<Node, Boolean> ancestors) {
    Location location = location(source, node.getStartMark());
    if (!(node instanceof ScalarNode) && ancestors.put(node, Boolean.TRUE) != null) {
      throw new ConfigException(location, path, "an alias refers to a node that contains it");
    }
    try {
      return convertNode(node, source, path, ancestors, location);
    } finally {
      ancestors.remove(node);
    }
  }

  private ConfigNode convertNode(Node node, String source, String path,
      Map<Node, Boolean> ancestors, Location location) {
    if (node instanceof ScalarNode scalar) {
      String raw = scalar.getValue();
      boolean isNull = scalar.getTag().equals(Tag.NULL);
      String value = isNull ? null : substitute(raw, location, path);
      return new ConfigNode.Scalar(value, raw, location, isNull);
    }
    if (node instanceof SequenceNode sequence) {
      List<ConfigNode> items = new ArrayList<>();
      for (int i = 0; i < sequence.getValue().size(); i++) {
        items.add(convert(sequence.getValue().get(i), source, path + "[" + i + "]", ancestors));
      }
      return new ConfigNode.Sequence(items, location);
    }
    MappingNode mapping = (MappingNode) node;
    Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Location keyLocation = location(source, tuple.getKeyNode().getStartMark());
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        throw new ConfigException(keyLocation, path, "keys must be plain strings");
      }
      String key = keyNode.getValue();
      String childPath = path.isEmpty() ? key : path + "." + key;
      if (entries.containsKey(key)) {
        throw new ConfigException(keyLocation, childPath, "duplicate key");
      }
      entries.put(key, new ConfigNode.Entry(keyLocation,
          convert(tuple.getValueNode(), source, childPath, ancestors)));
    }
    return new ConfigNode.Mapping(entries, location);
  }

  /** Expands the substitution syntax in one scalar; the result is never re-expanded. */
  String substitute(String raw, Location location, String path) {
    if (raw.indexOf('$') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c != '$' || i + 1 >= raw.length()) {
        out.append(c);
        i++;
      } else if (raw.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (raw.charAt(i + 1) == '{') {
        int end = raw.indexOf('}', i + 2);
        if (end < 0) {
          throw new ConfigException(location, path, "unterminated '${' in value");
        }
        out.append(resolve(raw.substring(i + 2, end), location, path));
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String resolve(String reference, Location location, String path) {
    if (reference.startsWith("env:")) {
      String spec = reference.substring(4);
      int defaultAt = spec.indexOf(":-");
      String name = defaultAt < 0 ? spec : spec.substring(0, defaultAt);
      if (!isEnvName(name)) {
        throw new ConfigException(location, path,
            "'${env:" + name + "}' is not a valid environment variable name");
      }
      String value = environment.apply(name);
      if (value == null || (defaultAt >= 0 && value.isEmpty())) {
        if (defaultAt >= 0) {
          return spec.substring(defaultAt + 2);
        }
        throw new ConfigException(location, path,
            "environment variable " + name + " is not set (use ${env:" + name
                + ":-default} to give a default)");
      }
      return value;
    }
    if (reference.startsWith("file:")) {
      String file = reference.substring(5);
      try {
        String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
      } catch (IOException | InvalidPathException e) {
        throw new ConfigException(location, path,
            "cannot read " + file + " for ${file:...}: " + e.getClass().getSimpleName());
      }
    }
    throw new ConfigException(location, path,
        "unknown substitution '${" + reference + "}': use ${env:NAME}, ${env:NAME:-default}, "
            + "${file:PATH}, or $$ for a literal '$'");
  }

  private static boolean isEnvName(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_') {
        return false;
      }
    }
    return true;
  }

  static ConfigNode.Mapping merge(ConfigNode.Mapping base, ConfigNode.Mapping overlay) {
    Map<String, ConfigNode.Entry> merged = new LinkedHashMap<>(base.entries());
    overlay.entries().forEach((key, entry) -> {
      ConfigNode.Entry existing = merged.get(key);
      if (existing != null && existing.value() instanceof ConfigNode.Mapping baseChild
          && entry.value() instanceof ConfigNode.Mapping overlayChild) {
        merged.put(key, new ConfigNode.Entry(entry.keyLocation(), merge(baseChild, overlayChild)));
      } else {
        merged.put(key, entry);
      }
    });
    return new ConfigNode.Mapping(merged, base.location());
  }

  private static Location location(String source, Mark mark) {
    return mark == null ? new Location(source, 0, 0)
        : new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
  }
}
