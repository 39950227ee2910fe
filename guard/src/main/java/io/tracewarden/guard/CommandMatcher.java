package io.tracewarden.guard;

import com.google.re2j.Pattern;
import java.util.List;

/**
 * Conditions on one simple command, all of which must hold. Null or empty conditions are absent.
 *
 * @param program the program's base name after unwrapping
 * @param subcommand words that must appear, in this order, among the positionals
 * @param flags options that must all be present
 * @param flagsNone options that must all be absent
 * @param maxArgs at most this many words after the program, or -1
 * @param maxPositionals at most this many positionals, or -1
 * @param files some file argument must match
 * @param filesNot file arguments matching this do not count for {@code files}
 * @param argsRegex some argument must contain a match
 * @param anyOf the command must also match one of these (from {@code rules:} references)
 */
record CommandMatcher(Glob program, List<Glob> subcommand, List<FlagSpec> flags,
    List<FlagSpec> flagsNone, int maxArgs, int maxPositionals, PathGlob files, PathGlob filesNot,
    Pattern argsRegex, List<CommandMatcher> anyOf) {

  boolean matches(ShellCommand command) {
    if (program != null && !program.matches(command.program())) {
      return false;
    }
    if (maxArgs >= 0 && command.args().size() > maxArgs) {
      return false;
    }
    List<String> positionals = null;
    if (maxPositionals >= 0) {
      positionals = command.positionals();
      if (positionals.size() > maxPositionals) {
        return false;
      }
    }
    if (!subcommand.isEmpty() && !matchesSubcommand(command.args())) {
      return false;
    }
    for (FlagSpec flag : flags) {
      if (!flag.presentIn(command.args())) {
        return false;
      }
    }
    for (FlagSpec flag : flagsNone) {
      if (flag.presentIn(command.args())) {
        return false;
      }
    }
    if (files != null && !matchesFile(command)) {
      return false;
    }
    if (argsRegex != null && !matchesArgsRegex(command)) {
      return false;
    }
    if (!anyOf.isEmpty()) {
      for (CommandMatcher alternative : anyOf) {
        if (alternative.matches(command)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  /**
   * The subcommand words must follow each other among the positionals, except that a positional
   * right after an option ({@code -n prod}) may be skipped, since it may be the option's value.
   * The first word may come anywhere ({@code gcloud beta secrets ...}).
   */
  private boolean matchesSubcommand(List<String> args) {
    int size = args.size();
    for (int start = 0; start < size; start++) {
      if (!isPositional(args, start) || !subcommand.get(0).matches(args.get(start))) {
        continue;
      }
      int next = 1;
      for (int i = start + 1; i < size && next < subcommand.size(); i++) {
        if (!isPositional(args, i)) {
          continue;
        }
        if (subcommand.get(next).matches(args.get(i))) {
          next++;
        } else if (!mayBeOptionValue(args, i)) {
          break;
        }
      }
      if (next == subcommand.size()) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPositional(List<String> args, int i) {
    if (!ShellCommand.isOption(args.get(i))) {
      return true;
    }
    for (int j = 0; j < i; j++) {
      if (args.get(j).equals("--")) {
        return true;
      }
    }
    return false;
  }

  private static boolean mayBeOptionValue(List<String> args, int i) {
    if (i == 0) {
      return false;
    }
    String previous = args.get(i - 1);
    return ShellCommand.isOption(previous) && previous.indexOf('=') < 0 && !previous.equals("--");
  }

  private boolean matchesFile(ShellCommand command) {
    for (String argument : command.fileArguments()) {
      if (files.matches(argument) && (filesNot == null || !filesNot.matches(argument))) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesArgsRegex(ShellCommand command) {
    for (String argument : command.args()) {
      if (argsRegex.matcher(argument).find()) {
        return true;
      }
    }
    return command.stdinText != null && argsRegex.matcher(command.stdinText).find();
  }

  /**
   * An option by any of its names, optionally with a value: {@code -o yaml}, {@code -o=yaml},
   * {@code -oyaml}, {@code --output yaml}, {@code --output=yaml}. A one-letter option without a
   * value also matches inside a bundle such as {@code -Ao}.
   */
  record FlagSpec(List<String> names, Glob value) {

    boolean presentIn(List<String> args) {
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--")) {
          return false;
        }
        if (!ShellCommand.isOption(arg)) {
          continue;
        }
        for (String name : names) {
          if (arg.equals(name)) {
            if (value == null || i + 1 < args.size() && value.matches(args.get(i + 1))) {
              return true;
            }
          } else if (arg.startsWith(name) && arg.length() > name.length()) {
            char after = arg.charAt(name.length());
            boolean shortName = name.length() == 2 && name.charAt(0) == '-';
            boolean bundle = !arg.startsWith("--");
            if (after == '=') {
              if (value == null || value.matches(arg.substring(name.length() + 1))) {
                return true;
              }
            } else if (shortName && bundle && value != null) {
              if (value.matches(arg.substring(2))) {
                return true;
              }
            }
          }
          if (value == null && name.length() == 2 && name.charAt(0) == '-'
              && !arg.startsWith("--") && arg.length() > 2 && isLetters(arg)
              && arg.indexOf(name.charAt(1), 1) > 0) {
            return true;
          }
        }
      }
      return false;
    }

    private static boolean isLetters(String arg) {
      for (int i = 1; i < arg.length(); i++) {
        if (!Character.isLetter(arg.charAt(i))) {
          return false;
        }
      }
      return true;
    }
  }
}
