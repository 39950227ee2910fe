package io.tracewarden.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A tolerant POSIX-shell reader, good enough to tell what a command line runs. It never fails:
 * unbalanced quotes end at the end of the text. It understands quotes and escapes, {@code ;},
 * {@code &&}, {@code ||}, {@code &}, pipes, subshells, redirections, here-documents, {@code $(...)}
 * and backticks, and unwraps {@code sudo}, {@code env}, {@code VAR=1} prefixes, {@code xargs},
 * {@code nohup}/{@code timeout}/{@code nice}-style wrappers, {@code bash -c '...'}, {@code eval},
 * {@code su -c}, {@code kubectl exec ... --} and {@code docker exec}.
 *
 * <p>The result is a list of pipelines. A pipeline of one command is a plain command. A command
 * substitution inside an argument of command C becomes, in addition, the pipeline
 * "substitution | C", since its output flows into C. A {@code bash -c} script of one pipeline is
 * spliced into the enclosing pipeline. {@code ssh host 'cmd'} adds the remote command as
 * separate pipelines.
 */
final class ShellParser {

  static final int MAX_DEPTH = 8;
  static final int MAX_LENGTH = 64 * 1024;
  private static final int MAX_COMMANDS = 1024;

  private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "ash",
      "fish", "busybox");
  private static final Set<String> PLAIN_WRAPPERS = Set.of("nohup", "exec", "builtin", "time",
      "unbuffer", "caffeinate", "then", "do", "else", "elif", "if", "while", "until", "!", "{",
      "strace", "ltrace", "torsocks", "proxychains", "proxychains4", "chronic", "setsid");
  private static final Set<String> SUDO_VALUE_OPTIONS = Set.of("-u", "-g", "-C", "-h", "-p",
      "-r", "-t", "-U", "-D", "-R", "--user", "--group", "--host", "--prompt");
  private static final Set<String> XARGS_VALUE_OPTIONS = Set.of("-I", "-L", "-n", "-P", "-d",
      "-E", "-s", "-a", "--arg-file", "--delimiter", "--max-args", "--max-procs", "-i");
  private static final Set<String> SSH_VALUE_OPTIONS = Set.of("-i", "-p", "-l", "-o", "-F", "-J",
      "-L", "-R", "-D", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S", "-W", "-w", "-B", "-I");
  private static final Set<String> DOCKER_EXEC_VALUE_OPTIONS = Set.of("-e", "--env", "-u",
      "--user", "-w", "--workdir", "--env-file", "--detach-keys");

  private final String text;
  private final int depth;
  private final List<List<ShellCommand>> out;
  private int pos;
  private int commandCount;
  private final List<PendingHeredoc> heredocs = new ArrayList<>();

  private ShellParser(String text, int depth, List<List<ShellCommand>> out) {
    this.text = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
    this.depth = depth;
    this.out = out;
  }

  /** Every pipeline in {@code text}; never null, never throws. */
  static List<List<ShellCommand>> parse(String text) {
    List<List<ShellCommand>> out = new ArrayList<>();
    new ShellParser(text, 0, out).parseList(false);
    return out;
  }

  /** The pipelines of one already-split command, e.g. {@code process.command_args}. */
  static List<List<ShellCommand>> parseArgv(List<String> argv) {
    List<List<ShellCommand>> out = new ArrayList<>();
    ShellParser parser = new ShellParser("", 0, out);
    List<ShellCommand> pipeline = new ArrayList<>();
    parser.addCommand(pipeline, argv, List.of(), List.of());
    if (!pipeline.isEmpty()) {
      out.add(pipeline);
    }
    return out;
  }

  // ---- grammar

  /** Parses until the end, or until an unmatched {@code )} when {@code nested}. */
  private void parseList(boolean nested) {
    List<ShellCommand> pipeline = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<List<List<ShellCommand>>> substitutions = new ArrayList<>();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
        pos += 2;
      } else if (c == '#') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == ')' && nested) {
        pos++;
        break;
      } else if (c == ')') {
        pos++;
      } else if (c == '\n' || c == ';') {
        pos++;
        endCommand(pipeline, words, inputs, substitutions);
        endPipeline(pipeline);
        pipeline = new ArrayList<>();
        if (c == '\n') {
          readHeredocBodies();
        }
      } else if (c == '&') {
        if (peek(1) == '>') {
          pos += peek(2) == '>' ? 3 : 2;
          skipSpaces();
          readWord(substitutions);
          continue;
        }
        pos += peek(1) == '&' ? 2 : 1;
        endCommand(pipeline, words, inputs, substitutions);
        endPipeline(pipeline);
        pipeline = new ArrayList<>();
      } else if (c == '|') {
        if (peek(1) == '|') {
          pos += 2;
          endCommand(pipeline, words, inputs, substitutions);
          endPipeline(pipeline);
          pipeline = new ArrayList<>();
        } else {
          pos += peek(1) == '&' ? 2 : 1;
          endCommand(pipeline, words, inputs, substitutions);
        }
      } else if (c == '(') {
        pos++;
        if (peek(0) == '(') {
          skipBalanced();
        } else if (words.isEmpty()) {
          endCommand(pipeline, words, inputs, substitutions);
          endPipeline(pipeline);
          pipeline = new ArrayList<>();
          if (depth < MAX_DEPTH) {
            new ShellParser(text, depth + 1, out).continueAt(this, true);
          } else {
            skipBalanced();
          }
        } else {
          // A function definition "name()" or something we do not model.
          skipBalanced();
        }
      } else if (c == '<' || c == '>' || (Character.isDigit(c) && isRedirectAfterDigit())) {
        readRedirect(words, inputs, substitutions);
      } else {
        words.add(readWord(substitutions));
      }
    }
    endCommand(pipeline, words, inputs, substitutions);
    endPipeline(pipeline);
    readHeredocBodies();
  }

  /** Runs a nested parser on the same text from the parent's position, then hands it back. */
  private void continueAt(ShellParser parent, boolean nested) {
    pos = parent.pos;
    commandCount = parent.commandCount;
    parseList(nested);
    parent.pos = pos;
    parent.commandCount = commandCount;
  }

  private boolean isRedirectAfterDigit() {
    int i = pos;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i >= text.length() || (text.charAt(i) != '<' && text.charAt(i) != '>')) {
      return false;
    }
    return pos == 0 || isBoundary(text.charAt(pos - 1));
  }

  private static boolean isBoundary(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '('
        || c == ')';
  }

  private void readRedirect(List<String> words, List<String> inputs,
      List<List<List<ShellCommand>>> substitutions) {
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    char c = text.charAt(pos);
    if (c == '<' && peek(1) == '(' || c == '>' && peek(1) == '(') {
      // Process substitution: its output becomes a file argument of this command.
      pos += 2;
      substitutions.add(nestedUntilParen());
      words.add("/dev/fd/63");
      return;
    }
    if (c == '<' && peek(1) == '<' && peek(2) == '<') {
      pos += 3;
      skipSpaces();
      String here = readWord(substitutions);
      heredocs.add(new PendingHeredoc(null, null, false, here));
      return;
    }
    if (c == '<' && peek(1) == '<') {
      pos += 2;
      boolean stripTabs = peek(0) == '-';
      if (stripTabs) {
        pos++;
      }
      skipSpaces();
      String delimiter = readWord(new ArrayList<>());
      heredocs.add(new PendingHeredoc(delimiter, null, stripTabs, null));
      return;
    }
    boolean input = c == '<';
    pos++;
    while (pos < text.length() && (text.charAt(pos) == '>' || text.charAt(pos) == '&'
        || text.charAt(pos) == '|')) {
      pos++;
    }
    skipSpaces();
    if (pos >= text.length()) {
      return;
    }
    String target = readWord(substitutions);
    if (input && !target.isEmpty()) {
      inputs.add(target);
    }
  }

  private void readHeredocBodies() {
    // Bodies start after the newline that ended the command; here-strings have their text.
    for (PendingHeredoc heredoc : heredocs) {
      if (heredoc.command == null) {
        continue;
      }
      if (heredoc.hereString != null) {
        heredoc.command.stdinText = heredoc.hereString;
        continue;
      }
      StringBuilder body = new StringBuilder();
      while (pos < text.length()) {
        int end = text.indexOf('\n', pos);
        String line = end < 0 ? text.substring(pos) : text.substring(pos, end);
        pos = end < 0 ? text.length() : end + 1;
        String compared = heredoc.stripTabs ? line.stripLeading() : line;
        if (compared.equals(heredoc.delimiter)) {
          break;
        }
        body.append(line).append('\n');
      }
      heredoc.command.stdinText = body.toString();
    }
    heredocs.removeIf(h -> h.command != null);
  }

  private void skipSpaces() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private char peek(int offset) {
    int i = pos + offset;
    return i < text.length() ? text.charAt(i) : '\0';
  }

  /** Skips to after the {@code )} that balances an already consumed {@code (}. */
  private void skipBalanced() {
    int open = 1;
    while (pos < text.length() && open > 0) {
      char c = text.charAt(pos++);
      if (c == '(') {
        open++;
      } else if (c == ')') {
        open--;
      } else if (c == '\'') {
        int end = text.indexOf('\'', pos);
        pos = end < 0 ? text.length() : end + 1;
      } else if (c == '\\') {
        pos++;
      }
    }
  }

  private List<List<ShellCommand>> nestedUntilParen() {
    List<List<ShellCommand>> nested = new ArrayList<>();
    if (depth >= MAX_DEPTH) {
      skipBalanced();
      return nested;
    }
    ShellParser inner = new ShellParser(text, depth + 1, nested);
    inner.continueAt(this, true);
    return nested;
  }

  // ---- words

  private String readWord(List<List<List<ShellCommand>>> substitutions) {
    StringBuilder word = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|'
          || c == '<' || c == '>' || c == '(' || c == ')') {
        if (word.length() == 0 && (c == '<' || c == '>' || c == '(' || c == ')' || c == '&'
            || c == '|' || c == ';')) {
          pos++;
        }
        break;
      }
      pos++;
      switch (c) {
        case '\\' -> {
          if (pos < text.length()) {
            char next = text.charAt(pos++);
            if (next != '\n') {
              word.append(next);
            }
          }
        }
        case '\'' -> {
          int end = text.indexOf('\'', pos);
          int stop = end < 0 ? text.length() : end;
          word.append(text, pos, stop);
          pos = end < 0 ? text.length() : end + 1;
        }
        case '"' -> readDoubleQuoted(word, substitutions);
        case '`' -> readBackticks(word, substitutions);
        case '$' -> readDollar(word, substitutions);
        default -> word.append(c);
      }
    }
    return word.toString();
  }

  private void readDoubleQuoted(StringBuilder word, List<List<List<ShellCommand>>> substitutions) {
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return;
      }
      if (c == '\\' && pos < text.length()) {
        char next = text.charAt(pos);
        if (next == '$' || next == '`' || next == '"' || next == '\\' || next == '\n') {
          pos++;
          if (next != '\n') {
            word.append(next);
          }
          continue;
        }
        word.append(c);
      } else if (c == '`') {
        readBackticks(word, substitutions);
      } else if (c == '$') {
        readDollar(word, substitutions);
      } else {
        word.append(c);
      }
    }
  }

  private void readBackticks(StringBuilder word, List<List<List<ShellCommand>>> substitutions) {
    StringBuilder inner = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '`') {
        break;
      }
      if (c == '\\' && pos < text.length()) {
        inner.append(text.charAt(pos++));
      } else {
        inner.append(c);
      }
    }
    List<List<ShellCommand>> nested = new ArrayList<>();
    if (depth < MAX_DEPTH) {
      ShellParser parser = new ShellParser(inner.toString(), depth + 1, nested);
      parser.commandCount = commandCount;
      parser.parseList(false);
      commandCount = parser.commandCount;
    }
    substitutions.add(nested);
    word.append("$(...)");
  }

  /** After a consumed {@code $}. */
  private void readDollar(StringBuilder word, List<List<List<ShellCommand>>> substitutions) {
    char c = peek(0);
    if (c == '(' && peek(1) == '(') {
      pos += 2;
      skipBalanced();
      if (peek(0) == ')') {
        pos++;
      }
      word.append("$((...))");
    } else if (c == '(') {
      pos++;
      substitutions.add(nestedUntilParen());
      word.append("$(...)");
    } else if (c == '{') {
      int end = text.indexOf('}', pos);
      int stop = end < 0 ? text.length() : end + 1;
      word.append('$').append(text, pos, stop);
      pos = stop;
    } else if (c == '\'') {
      pos++;
      while (pos < text.length()) {
        char q = text.charAt(pos++);
        if (q == '\'') {
          break;
        }
        if (q == '\\' && pos < text.length()) {
          char e = text.charAt(pos++);
          word.append(switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            default -> e;
          });
        } else {
          word.append(q);
        }
      }
    } else {
      word.append('$');
    }
  }

  // ---- commands

  private void endCommand(List<ShellCommand> pipeline, List<String> words, List<String> inputs,
      List<List<List<ShellCommand>>> substitutions) {
    int before = pipeline.size();
    if (!words.isEmpty() && commandCount < MAX_COMMANDS) {
      commandCount++;
      addCommand(pipeline, words, inputs, substitutions);
    } else {
      for (List<List<ShellCommand>> substitution : substitutions) {
        addAll(substitution);
      }
    }
    if (pipeline.size() > before) {
      ShellCommand last = pipeline.get(pipeline.size() - 1);
      for (PendingHeredoc heredoc : heredocs) {
        if (heredoc.command == null) {
          heredoc.command = last;
        }
      }
    }
    heredocs.removeIf(h -> h.command == null);
    words.clear();
    inputs.clear();
    substitutions.clear();
  }

  private void endPipeline(List<ShellCommand> pipeline) {
    if (!pipeline.isEmpty()) {
      out.add(pipeline);
    }
  }

  private void addAll(List<List<ShellCommand>> pipelines) {
    for (List<ShellCommand> pipeline : pipelines) {
      if (!pipeline.isEmpty()) {
        out.add(pipeline);
      }
    }
  }

  /**
   * Unwraps {@code words} and appends the resulting command(s) to {@code pipeline}; substitutions
   * become extra pipelines feeding the command.
   */
  private void addCommand(List<ShellCommand> pipeline, List<String> words, List<String> inputs,
      List<List<List<ShellCommand>>> substitutions) {
    int start = pipeline.size();
    unwrap(pipeline, words, 0, inputs, 0);
    ShellCommand consumer = pipeline.size() > start ? pipeline.get(pipeline.size() - 1) : null;
    for (List<List<ShellCommand>> substitution : substitutions) {
      for (int i = 0; i < substitution.size(); i++) {
        List<ShellCommand> inner = substitution.get(i);
        if (consumer != null && i == substitution.size() - 1) {
          List<ShellCommand> feeding = new ArrayList<>(inner);
          feeding.add(consumer);
          out.add(feeding);
        } else if (!inner.isEmpty()) {
          out.add(inner);
        }
      }
    }
  }

  private void unwrap(List<ShellCommand> pipeline, List<String> words, int from,
      List<String> inputs, int wrapDepth) {
    int i = from;
    while (i < words.size() && isAssignment(words.get(i))) {
      i++;
    }
    if (i >= words.size()) {
      return;
    }
    if (wrapDepth > 16) {
      pipeline.add(command(words, i, inputs));
      return;
    }
    String program = baseName(words.get(i));
    switch (program) {
      case "sudo", "doas", "run0" -> {
        int j = i + 1;
        while (j < words.size() && ShellCommand.isOption(words.get(j))) {
          String option = words.get(j);
          if (option.equals("--")) {
            j++;
            break;
          }
          j += SUDO_VALUE_OPTIONS.contains(option) ? 2 : 1;
        }
        if (j >= words.size()) {
          pipeline.add(command(words, i, inputs));
        } else {
          unwrap(pipeline, words, j, inputs, wrapDepth + 1);
        }
      }
      case "env" -> {
        int j = i + 1;
        while (j < words.size()) {
          String word = words.get(j);
          if (word.equals("--")) {
            j++;
            break;
          } else if (ShellCommand.isOption(word)) {
            boolean takesValue = word.equals("-u") || word.equals("--unset")
                || word.equals("-C") || word.equals("--chdir");
            if (word.equals("-S") || word.equals("--split-string")) {
              if (j + 1 < words.size()) {
                nestedScript(pipeline, words.get(j + 1), inputs);
              }
              return;
            }
            j += takesValue ? 2 : 1;
          } else if (isAssignment(word)) {
            j++;
          } else {
            break;
          }
        }
        if (j >= words.size()) {
          pipeline.add(command(words, i, inputs));
        } else {
          unwrap(pipeline, words, j, inputs, wrapDepth + 1);
        }
      }
      case "nice", "ionice", "timeout", "stdbuf", "watch", "chrt", "taskset", "flock",
          "retry" -> {
        int j = i + 1;
        while (j < words.size() && ShellCommand.isOption(words.get(j))) {
          String option = words.get(j);
          boolean attached = option.length() > 2 && !option.startsWith("--");
          boolean takesValue = !attached && !option.contains("=") && (option.equals("-n")
              || option.equals("-c") || option.equals("-s") || option.equals("-k")
              || option.equals("--signal") || option.equals("--kill-after"));
          j += takesValue ? 2 : 1;
        }
        // timeout, chrt, taskset and flock take one positional before the command.
        if (Set.of("timeout", "chrt", "taskset", "flock").contains(program)
            && j < words.size()) {
          j++;
        }
        if (j >= words.size()) {
          pipeline.add(command(words, i, inputs));
        } else {
          unwrap(pipeline, words, j, inputs, wrapDepth + 1);
        }
      }
      case "command" -> {
        if (i + 1 < words.size() && (words.get(i + 1).equals("-v")
            || words.get(i + 1).equals("-V"))) {
          pipeline.add(command(words, i, inputs));
        } else {
          int j = i + 1;
          while (j < words.size() && words.get(j).equals("-p")) {
            j++;
          }
          unwrapOrSelf(pipeline, words, i, j, inputs, wrapDepth);
        }
      }
      case "xargs" -> {
        int j = i + 1;
        while (j < words.size() && ShellCommand.isOption(words.get(j))) {
          String option = words.get(j);
          j += XARGS_VALUE_OPTIONS.contains(option) ? 2 : 1;
        }
        if (j >= words.size()) {
          pipeline.add(new ShellCommand("echo", List.of(), inputs));
        } else {
          unwrap(pipeline, words, j, inputs, wrapDepth + 1);
        }
      }
      case "eval" -> nestedScript(pipeline,
          String.join(" ", words.subList(i + 1, words.size())), inputs);
      case "su" -> {
        String script = optionValue(words, i + 1, "-c", "--command");
        if (script != null) {
          nestedScript(pipeline, script, inputs);
        } else {
          pipeline.add(command(words, i, inputs));
        }
      }
      case "ssh" -> {
        pipeline.add(command(words, i, inputs));
        int j = i + 1;
        while (j < words.size() && ShellCommand.isOption(words.get(j))) {
          j += SSH_VALUE_OPTIONS.contains(words.get(j)) ? 2 : 1;
        }
        j++; // the host
        if (j < words.size() && depth < MAX_DEPTH) {
          List<List<ShellCommand>> remote = new ArrayList<>();
          ShellParser parser = new ShellParser(
              String.join(" ", words.subList(j, words.size())), depth + 1, remote);
          parser.parseList(false);
          addAll(remote);
        }
      }
      case "kubectl", "oc" -> {
        int dashes = words.subList(i, words.size()).indexOf("--");
        if (dashes > 0 && words.subList(i + 1, i + dashes).contains("exec")
            && i + dashes + 1 < words.size()) {
          unwrap(pipeline, words, i + dashes + 1, inputs, wrapDepth + 1);
        } else {
          pipeline.add(command(words, i, inputs));
        }
      }
      case "docker", "podman", "nerdctl" -> {
        if (i + 1 < words.size() && words.get(i + 1).equals("exec")) {
          int j = i + 2;
          while (j < words.size() && ShellCommand.isOption(words.get(j))) {
            j += DOCKER_EXEC_VALUE_OPTIONS.contains(words.get(j)) ? 2 : 1;
          }
          j++; // the container
          unwrapOrSelf(pipeline, words, i, j, inputs, wrapDepth);
        } else {
          pipeline.add(command(words, i, inputs));
        }
      }
      default -> {
        if (SHELLS.contains(program)) {
          String script = shellScript(words, i + 1);
          if (script != null) {
            nestedScript(pipeline, script, inputs);
            return;
          }
          pipeline.add(command(words, i, inputs));
        } else if (PLAIN_WRAPPERS.contains(program)) {
          int j = i + 1;
          while (program.equals("time") && j < words.size()
              && ShellCommand.isOption(words.get(j))) {
            j++;
          }
          unwrapOrSelf(pipeline, words, i, j, inputs, wrapDepth);
        } else {
          pipeline.add(command(words, i, inputs));
        }
      }
    }
  }

  private void unwrapOrSelf(List<ShellCommand> pipeline, List<String> words, int self, int next,
      List<String> inputs, int wrapDepth) {
    if (next >= words.size()) {
      pipeline.add(command(words, self, inputs));
    } else {
      unwrap(pipeline, words, next, inputs, wrapDepth + 1);
    }
  }

  /** The script of {@code sh -c 'script'} (also {@code -lc}, {@code -ec}, ...), or null. */
  private static String shellScript(List<String> words, int from) {
    for (int j = from; j < words.size(); j++) {
      String word = words.get(j);
      if (!ShellCommand.isOption(word) || word.startsWith("--")) {
        if (word.equals("--command") && j + 1 < words.size()) {
          return words.get(j + 1);
        }
        if (!word.startsWith("--")) {
          return null;
        }
        continue;
      }
      if (word.indexOf('c') > 0) {
        return j + 1 < words.size() ? words.get(j + 1) : null;
      }
    }
    return null;
  }

  private static String optionValue(List<String> words, int from, String... names) {
    for (int j = from; j < words.size(); j++) {
      for (String name : names) {
        if (words.get(j).equals(name) && j + 1 < words.size()) {
          return words.get(j + 1);
        }
        if (words.get(j).startsWith(name + "=")) {
          return words.get(j).substring(name.length() + 1);
        }
      }
    }
    return null;
  }

  /**
   * Parses {@code script}: a single pipeline is spliced into {@code pipeline} (so that
   * {@code bash -c 'env' | curl ...} reads as {@code env | curl}); several become pipelines of
   * their own.
   */
  private void nestedScript(List<ShellCommand> pipeline, String script, List<String> inputs) {
    if (depth >= MAX_DEPTH) {
      pipeline.add(new ShellCommand("sh", List.of(), inputs));
      return;
    }
    List<List<ShellCommand>> nested = new ArrayList<>();
    ShellParser parser = new ShellParser(script, depth + 1, nested);
    parser.commandCount = commandCount;
    parser.parseList(false);
    commandCount = parser.commandCount;
    if (nested.size() == 1) {
      pipeline.addAll(nested.get(0));
    } else {
      addAll(nested);
      pipeline.add(new ShellCommand("sh", List.of(), inputs));
    }
  }

  private static ShellCommand command(List<String> words, int at, List<String> inputs) {
    return new ShellCommand(baseName(words.get(at)), words.subList(at + 1, words.size()), inputs);
  }

  static String baseName(String word) {
    String name = word;
    int slash = name.lastIndexOf('/');
    if (slash >= 0 && slash < name.length() - 1) {
      name = name.substring(slash + 1);
    }
    int backslash = name.lastIndexOf('\\');
    if (backslash >= 0 && backslash < name.length() - 1) {
      name = name.substring(backslash + 1);
    }
    if (name.endsWith(".exe")) {
      name = name.substring(0, name.length() - 4);
    }
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isAssignment(String word) {
    int eq = word.indexOf('=');
    if (eq <= 0) {
      return false;
    }
    char first = word.charAt(0);
    if (!(Character.isLetter(first) || first == '_')) {
      return false;
    }
    for (int k = 1; k < eq; k++) {
      char c = word.charAt(k);
      if (!(Character.isLetterOrDigit(c) || c == '_')) {
        return k == eq - 1 && c == '+';
      }
    }
    return true;
  }

  /** A here-document or here-string waiting for its command and, then, for its body. */
  private static final class PendingHeredoc {
    final String delimiter;
    ShellCommand command;
    final boolean stripTabs;
    final String hereString;

    PendingHeredoc(String delimiter, ShellCommand command, boolean stripTabs, String hereString) {
      this.delimiter = delimiter;
      this.command = command;
      this.stripTabs = stripTabs;
      this.hereString = hereString;
    }
  }
}
