package io.tracewarden.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * One simple command after unwrapping ({@code sudo}, {@code env VAR=1}, {@code xargs}, ...): the
 * program's base name and its words with quotes removed. Built only by {@link ShellParser}.
 */
final class ShellCommand {

  private final String program;
  private final List<String> args;
  private final List<String> inputFiles;
  /** Text fed on standard input by a here-document or here-string, or null. */
  String stdinText;

  ShellCommand(String program, List<String> args, List<String> inputFiles) {
    this.program = program;
    this.args = List.copyOf(args);
    this.inputFiles = List.copyOf(inputFiles);
  }

  String program() {
    return program;
  }

  List<String> args() {
    return args;
  }

  /** Files redirected into standard input ({@code < file}). */
  List<String> inputFiles() {
    return inputFiles;
  }

  /** Arguments that are not options; everything after {@code --} counts. */
  List<String> positionals() {
    List<String> out = new ArrayList<>(args.size());
    boolean endOfOptions = false;
    for (String arg : args) {
      if (!endOfOptions && arg.equals("--")) {
        endOfOptions = true;
      } else if (endOfOptions || !isOption(arg)) {
        out.add(arg);
      }
    }
    return out;
  }

  /**
   * Words that may name files the command reads: positionals (without a leading pattern or
   * script argument for grep-, sed-, awk- and jq-like programs), values of {@code --opt=value},
   * and input redirections.
   */
  List<String> fileArguments() {
    List<String> out = new ArrayList<>(args.size());
    boolean endOfOptions = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!endOfOptions && arg.equals("--")) {
        endOfOptions = true;
      } else if (endOfOptions || !isOption(arg)) {
        if (i > 0 && !endOfOptions && skipsValue(args.get(i - 1))) {
          continue;
        }
        out.add(arg);
      } else if (arg.indexOf('=') > 0) {
        out.add(arg.substring(arg.indexOf('=') + 1));
      }
    }
    boolean scriptFirst = switch (program) {
      case "grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep" ->
          !hasOption("-e", "--regexp", "-f", "--file");
      case "sed", "awk", "gawk", "mawk", "jq", "yq", "gojq" ->
          !hasOption("-e", "--expression", "-f", "--file", "--from-file");
      default -> false;
    };
    if (scriptFirst) {
      for (int i = 0; i < out.size(); i++) {
        if (!args.contains(out.get(i)) || isOption(out.get(i))) {
          continue;
        }
        out.remove(i);
        break;
      }
    }
    boolean lastIsDestination = switch (program) {
      case "scp", "rsync", "sftp", "cp", "mv", "install", "ln" -> true;
      default -> false;
    };
    if (lastIsDestination && !out.isEmpty()) {
      out.remove(out.size() - 1);
    }
    out.addAll(inputFiles);
    return out;
  }

  /** Options whose value is a key or config file the program uses, not data it reads out. */
  private boolean skipsValue(String option) {
    return switch (program) {
      case "ssh", "scp", "sftp", "rsync" -> option.equals("-i") || option.equals("-F")
          || option.equals("-o") || option.equals("-J") || option.equals("-S")
          || option.equals("-e");
      case "curl" -> option.equals("--cacert") || option.equals("--cert")
          || option.equals("--key") || option.equals("-E") || option.equals("--netrc-file")
          || option.equals("-K") || option.equals("--config");
      default -> false;
    };
  }

  boolean hasOption(String... names) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      for (String name : names) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isOption(String arg) {
    return arg.length() > 1 && arg.charAt(0) == '-';
  }

  @Override
  public String toString() {
    // Arguments may hold secrets: never print them.
    return program + " (" + args.size() + " args)";
  }
}
