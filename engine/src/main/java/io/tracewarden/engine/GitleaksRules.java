package io.tracewarden.engine;

import java.util.List;
import java.util.Objects;

/**
 * Rules imported from a gitleaks TOML file.
 *
 * @param rules the content rules (those with a {@code regex})
 * @param global the file's global allowlist ({@code [allowlist]} and {@code [[allowlists]]},
 *     merged; path and commit criteria dropped); {@link Allowlist#empty()} when none
 * @param skippedPathOnly number of rules skipped because they match file paths only
 */
public record GitleaksRules(List<Rule> rules, Allowlist global, int skippedPathOnly) {
  public GitleaksRules {
    rules = List.copyOf(rules);
    Objects.requireNonNull(global, "global");
  }

  /** The rules with the global allowlist appended to each rule's allowlists. */
  public List<Rule> rulesWithGlobalAllowlist() {
    if (global.isEmpty()) {
      return rules;
    }
    return rules.stream().map(r -> {
      List<Allowlist> all = new java.util.ArrayList<>(r.allowlists());
      all.add(global);
      return r.withAllowlists(all);
    }).toList();
  }
}
