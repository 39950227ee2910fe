package io.tracewarden.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * File patterns. A pattern starting with {@code /} or {@code ~/} matches the whole path; one
 * containing {@code /} matches the end of a path at a {@code /} boundary ({@code .aws/credentials}
 * matches {@code /root/.aws/credentials}); one without {@code /} matches the base name.
 * {@code *} and {@code ?} stay within one path segment. Home directories ({@code $HOME},
 * {@code ${HOME}}, {@code /home/<user>}, {@code /Users/<user>}, {@code /root}, {@code ~user}) read
 * as {@code ~}. A leading {@code @} (curl's {@code -d @file}), {@code file://}, and anything up to
 * the last {@code =} ({@code --post-file=.env}, {@code -F f=@.env}) are ignored.
 */
final class PathGlob {

  private final List<String[]> anchored = new ArrayList<>();
  private final List<String[]> suffixes = new ArrayList<>();

  private PathGlob() {}

  static PathGlob of(List<String> patterns, Map<String, List<String>> sets) {
    PathGlob glob = new PathGlob();
    for (String pattern : Glob.expand(patterns, sets)) {
      if (pattern.startsWith("/") || pattern.startsWith("~/")) {
        glob.anchored.add(segments(pattern));
      } else {
        glob.suffixes.add(segments(pattern));
      }
    }
    return glob;
  }

  boolean matches(String argument) {
    String[] path = segments(normalize(argument));
    for (String[] pattern : anchored) {
      if (pattern.length == path.length && matchFrom(pattern, path, 0)) {
        return true;
      }
    }
    for (String[] pattern : suffixes) {
      if (pattern.length <= path.length && matchFrom(pattern, path, path.length - pattern.length)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchFrom(String[] pattern, String[] path, int offset) {
    for (int i = 0; i < pattern.length; i++) {
      String segment = path[offset + i];
      if (!Glob.wildcardMatch(pattern[i], segment, 0, segment.length())) {
        return false;
      }
    }
    return true;
  }

  private static String[] segments(String path) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        String segment = path.substring(start, i);
        // Keep a leading empty segment for absolute paths; drop "." and empty inner ones.
        if (!(segment.isEmpty() && start > 0) && !segment.equals(".")) {
          out.add(segment);
        }
        start = i + 1;
      }
    }
    return out.toArray(new String[0]);
  }

  static String normalize(String argument) {
    String path = argument;
    int eq = path.lastIndexOf('=');
    if (eq >= 0) {
      path = path.substring(eq + 1);
    }
    if (path.startsWith("@")) {
      path = path.substring(1);
    }
    if (path.startsWith("file://")) {
      path = path.substring(7);
    }
    String rest = homeRest(path);
    return rest == null ? path : "~/" + rest;
  }

  /** What follows the home directory, or null when the path does not start at one. */
  private static String homeRest(String path) {
    String[] fixed = {"$HOME", "${HOME}", "/root"};
    for (String prefix : fixed) {
      if (path.startsWith(prefix) && (path.length() == prefix.length()
          || path.charAt(prefix.length()) == '/')) {
        return path.length() == prefix.length() ? "" : path.substring(prefix.length() + 1);
      }
    }
    for (String prefix : new String[] {"/home/", "/Users/"}) {
      if (path.startsWith(prefix)) {
        int slash = path.indexOf('/', prefix.length());
        return slash < 0 ? "" : path.substring(slash + 1);
      }
    }
    if (path.startsWith("~")) {
      int slash = path.indexOf('/');
      return slash < 0 ? "" : path.substring(slash + 1);
    }
    return null;
  }
}
