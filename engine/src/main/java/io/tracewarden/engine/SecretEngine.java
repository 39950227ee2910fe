package io.tracewarden.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tracewarden.engine.internal.Backtracker;
import io.tracewarden.engine.internal.Decoders;
import io.tracewarden.engine.internal.HitLog;
import io.tracewarden.engine.internal.KeywordAutomaton;
import io.tracewarden.engine.internal.MaxLength;
import io.tracewarden.engine.internal.Placeholders;
import io.tracewarden.engine.internal.RuleRegex;
import io.tracewarden.engine.internal.Slice;
import io.tracewarden.engine.internal.TextView;
import io.tracewarden.engine.internal.Validators;
import io.tracewarden.engine.internal.Windows;
import io.tracewarden.engine.internal.WordSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;

/**
 * Finds and masks secrets in strings. Immutable and thread-safe: build one and share it.
 *
 * <p>One pass of a case-insensitive Aho-Corasick automaton over all rule keywords finds where
 * rules may match; each rule's RE2 regex then runs only in a bounded window around its keyword
 * hits (rules without keywords run over the whole string), on RE2/J or, for the built-in pack's
 * regexes, on a budgeted backtracker with RE2/J's results ({@link RuleRegex}). Matches are
 * filtered by entropy, placeholder detection, the rule's validator and allowlists, then overlaps
 * are resolved: a specific rule beats a generic one, then the longest match wins, then the higher
 * severity, then the earlier rule. JSON string escapes, URL encoding and base64 runs are decoded
 * (nested at most {@value #MAX_DEPTH} deep) and scanned too; their findings map back to the
 * encoded span.
 */
public final class SecretEngine {

  /** Maximum nesting of decoders (e.g. base64 inside a JSON string: 2). */
  public static final int MAX_DEPTH = 2;

  /**
   * How far a {@code line} allowlist looks either side of a match. Reasoning traces are often one
   * long line of JSON: an unbounded "line" would let one unrelated word hide every secret in it.
   */
  private static final int LINE_LIMIT = 256;
  private static final int BOUNDARY_EXTENSION = 64;
  /**
   * Longest text given {@link #quiet} before its scan: the check stops at the first keyword, but
   * past a few lines of prose one is found anyway (two-letter keywords such as {@code ac}), and
   * the scan then reads the text again. 512 cost the 450-char GenAI output messages of a span
   * 4-6 % of the engine's time on a span's strings.
   */
  private static final int QUIET_CHECK_MAX = 256;

  private final CompiledRule[] rules;
  private final KeywordAutomaton automaton;
  private final int[][] rulesByKeyword;
  private final int[] keywordlessRules;
  private final Set<String> allowValues;
  private final Pattern[] allowRegexes;
  private final CompiledAllowlist[] globalAllowlists;
  private final boolean json;
  private final boolean base64;
  private final boolean url;
  private final MaskingStyle masking;
  private final ThreadLocal<Mac> macs;
  /** Per-thread scratch for {@link ViewHits}: allocating it per scan cost more than scanning. */
  private final ThreadLocal<RuleState> ruleStates;

  private SecretEngine(Builder b, byte[] key) {
    List<CompiledRule> compiled = new ArrayList<>();
    for (Rule rule : b.rules.values()) {
      if (b.disabled.contains(rule.id()) || rule.severity().compareTo(b.minSeverity) < 0) {
        continue;
      }
      compiled.add(CompiledRule.compile(rule, compiled.size()));
    }
    rules = compiled.toArray(new CompiledRule[0]);

    Map<String, List<Integer>> byKeyword = new LinkedHashMap<>();
    List<Integer> keywordless = new ArrayList<>();
    for (CompiledRule r : rules) {
      if (r.rule.keywords().isEmpty()) {
        keywordless.add(r.index);
      }
      for (String k : r.rule.keywords()) {
        List<Integer> list = byKeyword.computeIfAbsent(fold(k), x -> new ArrayList<>());
        if (!list.contains(r.index)) {
          list.add(r.index);
        }
      }
    }
    automaton = new KeywordAutomaton(new ArrayList<>(byKeyword.keySet()));
    rulesByKeyword = byKeyword.values().stream()
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
        .toArray(int[][]::new);
    keywordlessRules = keywordless.stream().mapToInt(Integer::intValue).toArray();

    allowValues = Set.copyOf(b.allowValues);
    allowRegexes = b.allowRegexes.stream()
        .map(re -> compile(re, "allow regex"))
        .toArray(Pattern[]::new);
    globalAllowlists = b.globalAllowlists.stream()
        .map(a -> CompiledAllowlist.compile(a, "global allowlist"))
        .toArray(CompiledAllowlist[]::new);
    json = b.json;
    base64 = b.base64;
    url = b.url;
    masking = b.masking;
    Fingerprints.newMac(key); // fail fast on a bad key
    byte[] keyCopy = key.clone();
    macs = ThreadLocal.withInitial(() -> Fingerprints.newMac(keyCopy));
    int ruleCount = rules.length;
    ruleStates = ThreadLocal.withInitial(() -> new RuleState(ruleCount));
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The secrets in {@code text}, sorted by start offset, non-overlapping. Offsets are UTF-16
   * char offsets into {@code text}; for secrets found in decoded content they cover the encoded
   * form.
   */
  public List<Finding> scan(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() < QUIET_CHECK_MAX && quiet(text)) {
      return List.of();
    }
    Scan scan = new Scan(text);
    scan.view(TextView.root(text), null);
    return scan.candidates == null ? List.of() : resolve(scan.candidates, scan.rejected);
  }

  /**
   * Masks exactly each finding's span with the configured {@link MaskingStyle}. Returns the same
   * {@code text} instance when nothing was found.
   */
  public Redaction redact(String text) {
    List<Finding> findings = scan(text);
    if (findings.isEmpty()) {
      return new Redaction(text, List.of(), false);
    }
    StringBuilder sb = new StringBuilder(text.length() + 40 * findings.size());
    int last = 0;
    for (Finding f : findings) {
      sb.append(text, last, f.start());
      sb.append(masking.replacement(f.ruleId(), f.fingerprint(),
          new Slice(text, f.start(), f.end())));
      last = f.end();
    }
    sb.append(text, last, text.length());
    return new Redaction(sb.toString(), findings,
        masking instanceof MaskingStyle.DropAttribute);
  }

  /** Number of active rules (after disabled rules and the minimum severity are applied). */
  public int ruleCount() {
    return rules.length;
  }

  /** Ids of the active rules, in order. */
  public List<String> ruleIds() {
    return Arrays.stream(rules).map(r -> r.rule.id()).toList();
  }

  private List<Finding> resolve(List<Candidate> candidates, List<int[]> rejected) {
    candidates.sort(this::comparePriority);
    TreeMap<Integer, Candidate> accepted = new TreeMap<>();
    for (Candidate c : candidates) {
      if (rejected != null && rules[c.rule].rule.generic() && overlapsAny(c, rejected)) {
        continue;
      }
      Entry<Integer, Candidate> before = accepted.floorEntry(c.start);
      if (before != null && before.getValue().end > c.start) {
        continue;
      }
      Entry<Integer, Candidate> after = accepted.higherEntry(c.start);
      if (after != null && after.getKey() < c.end) {
        continue;
      }
      accepted.put(c.start, c);
    }
    Mac mac = macs.get();
    List<Finding> out = new ArrayList<>(accepted.size());
    for (Candidate c : accepted.values()) {
      Rule rule = rules[c.rule].rule;
      out.add(new Finding(rule.id(), rule.severity(), c.start, c.end,
          Fingerprints.of(mac, c.secret)));
    }
    return List.copyOf(out);
  }

  /**
   * Whether a scan of {@code text} finds nothing without a rule being tried: no rule without
   * keywords, no keyword, no escape, no base64 run that decodes to text. Most strings of a span
   * (model names, ids, span names) are like that, and the engine is called once per string; this
   * costs them no keyword-pass set-up, no hit log and no view but the root.
   */
  private boolean quiet(String text) {
    if (keywordlessRules.length > 0 || (json && text.indexOf('\\') >= 0)
        || (url && text.indexOf('%') >= 0) || automaton.occursIn(text)) {
      return false;
    }
    if (!base64) {
      return true;
    }
    boolean[] decoded = new boolean[1];
    Decoders.base64(TextView.root(text), null, view -> decoded[0] = true);
    return !decoded[0];
  }

  private static boolean overlapsAny(Candidate c, List<int[]> spans) {
    for (int[] s : spans) {
      if (s[0] < c.end && c.start < s[1]) {
        return true;
      }
    }
    return false;
  }

  /** Specific before generic, then longer, more severe, earlier rule, more decoded, start. */
  private int comparePriority(Candidate a, Candidate b) {
    CompiledRule ra = rules[a.rule];
    CompiledRule rb = rules[b.rule];
    if (ra.rule.generic() != rb.rule.generic()) {
      return ra.rule.generic() ? 1 : -1;
    }
    int c = Integer.compare(b.end - b.start, a.end - a.start);
    if (c != 0) {
      return c;
    }
    c = rb.rule.severity().compareTo(ra.rule.severity());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.rule, b.rule);
    if (c != 0) {
      return c;
    }
    // Same span from raw and decoded text: the decoded secret is the canonical value, so its
    // fingerprint is the same whatever the encoding.
    c = Integer.compare(b.depth, a.depth);
    return c != 0 ? c : Integer.compare(a.start, b.start);
  }

  private static String fold(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = Character.toLowerCase(c[i]);
    }
    return new String(c);
  }

  private static Pattern compile(String regex, String what) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(what + ": invalid RE2 regex: " + e.getDescription(), e);
    }
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** Per-call state of one {@link #scan(String)}. */
  private final class Scan {
    final String root;
    final int[] span = new int[2];
    List<Candidate> candidates;
    List<int[]> rejected;
    /** Rules with a match dropped by a {@code line} allowlist (see {@link #seenByParent}). */
    boolean[] lineAllowedRules;
    /** Per-rule hit state, shared by the views one after the other (see {@link ViewHits}). */
    RuleState ruleState;

    Scan(String root) {
      this.root = root;
    }

    /** Scans {@code view}; {@code parentHits}: the keyword hits of its parent (or null). */
    void view(TextView view, HitLog parentHits) {
      String t = view.text();
      // Base64 runs are found in the keyword pass when this view's base64 will be decoded.
      HitLog log = parentHits != null && view.isEscapeDecoded()
          ? HitLog.ofChild(automaton, parentHits, view)
          : HitLog.scan(automaton, t, base64 && view.depth() < MAX_DEPTH);
      ViewHits hits = new ViewHits(view);
      log.replay(hits);
      hits.flush();
      for (int r : keywordlessRules) {
        run(view, r, 0, t.length());
      }
      if (view.depth() >= MAX_DEPTH) {
        return;
      }
      Consumer<TextView> child = decoded -> view(decoded, log);
      if (json) {
        Decoders.json(view, child);
      }
      if (url) {
        Decoders.url(view, child);
      }
      if (base64) {
        Decoders.base64(view, log, child);
      }
    }

    /**
     * Runs rule {@code r} over {@code view[from, to)}: the start is widened to a word boundary;
     * the end too, unless the rule's maximum match length is known (its window already ends one
     * char past the longest match).
     */
    void run(TextView view, int r, int from, int to) {
      CompiledRule cr = rules[r];
      String t = view.text();
      int n = t.length();
      int limit = Math.max(0, from - BOUNDARY_EXTENSION);
      while (from > limit && isWordChar(t.charAt(from - 1))) {
        from--;
      }
      if (cr.maxLen < 0) {
        limit = Math.min(n, to + BOUNDARY_EXTENSION);
        while (to < limit && isWordChar(t.charAt(to))) {
          to++;
        }
      }
      RuleRegex.Match m = cr.regex.matcher(t, from, to);
      while (m.find()) {
        if (m.end() == to - from && to < n) {
          // The match may continue past the window: retry from its start, on a window as long as
          // the longest match (+1) or on a long window.
          int retryFrom = from + m.start();
          int retryTo = Math.min(n, retryFrom + (cr.maxLenExact ? cr.maxLen + 1 : Windows.RETRY));
          RuleRegex.Match longer = cr.startRegex.matcher(t, retryFrom, retryTo);
          if (longer.lookingAt()) {
            accept(view, cr, longer, retryFrom);
          } else {
            accept(view, cr, m, from);
          }
          return;
        }
        accept(view, cr, m, from);
      }
    }

    /**
     * End of the window of an anchored attempt at {@code start} for a hit ending at {@code e}:
     * one char past the longest possible match when that is known ({@code slack}: chars a
     * key-start probe may skip first), else {@code e} + the rule's estimate, widened to a word
     * boundary.
     */
    int anchoredEnd(String t, CompiledRule cr, int start, int e, int slack) {
      int n = t.length();
      if (cr.maxLen >= 0) {
        return (int) Math.min(n, (long) start + slack + cr.maxLen + 1);
      }
      int to = (int) Math.min(n, (long) e + cr.after);
      int limit = Math.min(n, to + BOUNDARY_EXTENSION);
      while (to < limit && isWordChar(t.charAt(to))) {
        to++;
      }
      return to;
    }

    /**
     * Runs anchored rule {@code cr} at a keyword hit {@code [s, e)}: the match must start at s.
     * Returns the end of the match (accepted or not), or -1 when there is none.
     */
    int runAnchored(TextView view, CompiledRule cr, int s, int e) {
      String t = view.text();
      int n = t.length();
      if (!cr.regex.mayStartAt(t, s, n)) {
        return -1; // e.g. the "ac" of "access", for a Twilio SID's case-sensitive \bAC[0-9a-f]{32}
      }
      int to = anchoredEnd(t, cr, s, e, 0);
      RuleRegex.Match m = cr.startRegex.matcher(t, s, to);
      if (!m.lookingAt()) {
        return -1;
      }
      if (m.end() == to - s && to < n) {
        // The match may continue past the window (unknown maximum length): retry on a long one.
        m = cr.startRegex.matcher(t, s, Math.min(n, s + Windows.RETRY));
        if (!m.lookingAt()) {
          return -1;
        }
      }
      int end = s + m.end();
      accept(view, cr, m, s);
      return end;
    }

    /**
     * Runs key-start rule {@code cr} (see {@link Rule.Near#keyStart}) anchored at {@code rs}, the
     * start of the key run before a hit ending at {@code e}: its probe pattern lazily skips key
     * chars, then matches the rule's regex (group 1), so the match starts in the run.
     */
    void runProbe(TextView view, CompiledRule cr, int rs, int e) {
      String t = view.text();
      int n = t.length();
      int to = anchoredEnd(t, cr, rs, e, KEY_RUN);
      RuleRegex.Match m = cr.probe.matcher(t, rs, to);
      if (!m.lookingAt()) {
        return;
      }
      if (m.end() == to - rs && to < n) {
        m = cr.probe.matcher(t, rs, Math.min(n, rs + Windows.RETRY));
        if (!m.lookingAt()) {
          return;
        }
      }
      accept(view, cr, m, rs, 1);
    }

    /**
     * True when view {@code v} is decoded from escapes (JSON, URL) and the chars {@code [from,
     * to)} it would scan for rule {@code cr} (plus one char of context on each side) hold no
     * decoded escape: the parent view holds the very same text there and already ran the rule,
     * so this hit can be skipped. Not for rules whose match was already dropped by a {@code line}
     * allowlist in this scan (the line of an escape-free match can still differ).
     */
    boolean seenByParent(TextView v, CompiledRule cr, int from, long to) {
      return v.isEscapeDecoded() && !lineAllowed(cr)
          && v.sameAsParent(from - 1, (int) Math.min(Integer.MAX_VALUE, to + 1));
    }

    private boolean lineAllowed(CompiledRule cr) {
      return lineAllowedRules != null && lineAllowedRules[cr.index];
    }

    private void accept(TextView view, CompiledRule cr, RuleRegex.Match m, int offset) {
      accept(view, cr, m, offset, 0);
    }

    /** {@code shift}: the rule's regex is group {@code shift} of {@code m} (0 or 1). */
    private void accept(TextView view, CompiledRule cr, RuleRegex.Match m, int offset, int shift) {
      int g = cr.secretGroup(m, shift);
      int ss = m.start(g);
      int se = m.end(g);
      if (ss < 0 || se <= ss) {
        return;
      }
      String t = view.text();
      int vs = offset + ss;
      int ve = offset + se;
      String secret = t.substring(vs, ve);
      Rule rule = cr.rule;
      if (rule.entropy() > 0 && Validators.entropy(secret) < rule.entropy()) {
        return;
      }
      if (Placeholders.isPlaceholder(secret)) {
        return;
      }
      if (!Validators.validate(rule.validator(), secret)) {
        if (!rule.generic()) {
          // e.g. a ghp_ token with a bad checksum: not a secret, so no generic rule may report it
          view.toRoot(vs, ve, span);
          if (rejected == null) {
            rejected = new ArrayList<>();
          }
          rejected.add(new int[] {span[0], span[1]});
        }
        return;
      }
      if (allowValues.contains(secret)) {
        return;
      }
      for (Pattern p : allowRegexes) {
        if (p.matcher(secret).find()) {
          return;
        }
      }
      if (cr.allowlists.length > 0 || globalAllowlists.length > 0) {
        int ms = offset + m.start(shift);
        int me = offset + m.end(shift);
        for (CompiledAllowlist a : cr.allowlists) {
          if (a.allows(secret, t, ms, me)) {
            noteAllowed(cr, a);
            return;
          }
        }
        for (CompiledAllowlist a : globalAllowlists) {
          if (a.allows(secret, t, ms, me)) {
            noteAllowed(cr, a);
            return;
          }
        }
      }
      view.toRoot(vs, ve, span);
      int rs = span[0];
      int re = span[1];
      if (json) {
        if (view.fromJson() && hasUnescapedQuote(root, rs, re)) {
          return; // would cut through JSON structure
        }
        rs = snapStart(root, rs);
        re = snapEnd(root, re);
      }
      if (candidates == null) {
        candidates = new ArrayList<>();
      }
      candidates.add(new Candidate(cr.index, rs, re, secret, view.depth()));
    }

    private void noteAllowed(CompiledRule cr, CompiledAllowlist a) {
      if (a.target() == Allowlist.Target.LINE) {
        if (lineAllowedRules == null) {
          lineAllowedRules = new boolean[rules.length];
        }
        lineAllowedRules[cr.index] = true;
      }
    }

    /** Collects keyword hits into per-rule windows and runs each window once. */
    private final class ViewHits implements KeywordAutomaton.HitListener {
      final TextView view;
      final int n;
      RuleState state; // on the first hit
      int[] start;
      int[] end;
      int[] lastAnchored; // 1 + start of the last anchored attempt per rule
      int[] matchEnd; // end of the match of that attempt, or -1 (rules not word-anchored)

      ViewHits(TextView view) {
        this.view = view;
        this.n = view.text().length();
      }

      @Override
      public void onHit(int keyword, int s, int e) {
        if (state == null) {
          if (ruleState == null) {
            ruleState = ruleStates.get();
            ruleState.reset(); // in case a scan on this thread ended with an exception
          }
          state = ruleState;
          start = state.start;
          end = state.end;
          lastAnchored = state.lastAnchored;
          matchEnd = state.matchEnd;
        }
        for (int r : rulesByKeyword[keyword]) {
          state.touch(r);
          CompiledRule cr = rules[r];
          if (cr.nearChars != null && !(cr.nearLiteral.isEmpty() ? near(view.text(), e, cr)
              : nearLiteral(view.text(), e, cr))) {
            continue; // the structural prefilter rejects this hit: no regex work
          }
          if (cr.probe != null && !cr.anchored) {
            // The match starts in the key run ending at the hit: one anchored attempt there.
            int rs = keyRunStart(view.text(), s, cr);
            if (lastAnchored[r] != rs + 1) {
              lastAnchored[r] = rs + 1;
              if (!seenByParent(view, cr, rs, anchoredEnd(view.text(), cr, rs, e, KEY_RUN))) {
                runProbe(view, cr, rs, e);
              }
            }
            continue;
          }
          if (cr.anchored) {
            // The match starts at the hit: one anchored attempt, no window search.
            if (cr.wordAnchored) {
              if (lastAnchored[r] != s + 1
                  && (s == 0 || !Windows.isAsciiWord(view.text().charAt(s - 1)))) {
                lastAnchored[r] = s + 1;
                if (!seenByParent(view, cr, s, anchoredEnd(view.text(), cr, s, e, 0))) {
                  runAnchored(view, cr, s, e);
                }
              }
            } else if (lastAnchored[r] != s + 1
                && !(s > lastAnchored[r] - 1 && s < matchEnd[r])) {
              // As a search would: a hit inside the previous match (accepted or rejected, e.g.
              // a placeholder) starts no new one.
              lastAnchored[r] = s + 1;
              if (!seenByParent(view, cr, s, anchoredEnd(view.text(), cr, s, e, 0))) {
                matchEnd[r] = runAnchored(view, cr, s, e);
              } else {
                matchEnd[r] = -1;
              }
            }
            continue;
          }
          int ws;
          int we;
          if (cr.maxLen >= 0) {
            // A match holding (or touching) the hit lies within maxLen chars of it.
            ws = Math.max(0, s - Math.min(cr.before, cr.maxLen));
            we = (int) Math.min(n, (long) e + cr.maxLen + 1);
            if (seenByParent(view, cr, ws - BOUNDARY_EXTENSION, we)) {
              continue;
            }
          } else {
            ws = Math.max(0, s - cr.before);
            we = (int) Math.min(n, (long) e + cr.after);
          }
          if (end[r] >= 0 && ws <= end[r]) {
            start[r] = Math.min(start[r], ws);
            end[r] = Math.max(end[r], we);
          } else {
            if (end[r] >= 0) {
              run(view, r, start[r], end[r]);
            }
            start[r] = ws;
            end[r] = we;
          }
        }
      }

      void flush() {
        if (state == null) {
          return;
        }
        int[] touched = state.touched();
        for (int r : touched) {
          if (end[r] >= 0) {
            run(view, r, start[r], end[r]);
          }
        }
        state.reset();
      }
    }
  }

  /**
   * The {@link Rule.Near} prefilter at a hit ending at {@code e}: a key run of at most {@code
   * within} chars, an optional quote, whitespace, then one of the required chars. Whitespace is
   * bounded by the rule's window after the hit (a match cannot reach further).
   */
  /** Most key chars walked back from a hit for {@link Rule.Near#keyStart} rules. */
  private static final int KEY_RUN = 128;

  private static boolean isKeyChar(char c, CompiledRule cr) {
    return Windows.isAsciiWord(c) || c == '.' || c == '-'
        || (!cr.nearKeyChars.isEmpty() && cr.nearKeyChars.indexOf(c) >= 0);
  }

  /** Start of the run of key chars (at most {@value #KEY_RUN}) ending at {@code s}. */
  static int keyRunStart(String t, int s, CompiledRule cr) {
    int limit = Math.max(0, s - KEY_RUN);
    while (s > limit && isKeyChar(t.charAt(s - 1), cr)) {
      s--;
    }
    return s;
  }

  private static String classEscape(String chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** {@link Rule.Near#literal}: the literal starts after {@code e}, within the lines allowed. */
  static boolean nearLiteral(String t, int e, CompiledRule cr) {
    int n = t.length();
    int limit = (int) Math.min(n, (long) e + cr.after);
    int end = e;
    for (int l = 0; l < cr.nearLines && end < limit; l++) {
      int nl = t.indexOf('\n', end);
      end = nl < 0 || nl >= limit ? limit : nl + 1;
    }
    String lit = cr.nearLiteral;
    char first = lit.charAt(0);
    for (int i = e; i < end; i++) {
      if (t.charAt(i) == first && t.startsWith(lit, i)) {
        return true;
      }
    }
    return false;
  }

  static boolean near(String t, int e, CompiledRule cr) {
    String chars = cr.nearChars;
    String keyChars = cr.nearKeyChars;
    int n = t.length();
    int i = e;
    int keyLimit = Math.min(n, e + cr.nearWithin);
    char c = 0;
    while (i < n) {
      c = t.charAt(i);
      if (chars.indexOf(c) >= 0) {
        return true;
      }
      if (i < keyLimit && (Windows.isAsciiWord(c) || c == '.' || c == '-'
          || (!keyChars.isEmpty() && keyChars.indexOf(c) >= 0))) {
        i++;
        continue;
      }
      break;
    }
    if (i >= n) {
      return false;
    }
    if (c == '"' || c == '\'' || c == '`') {
      if (++i >= n) {
        return false;
      }
      c = t.charAt(i);
    }
    int wsLimit = (int) Math.min(n, (long) i + cr.after);
    while (isSpace(c)) {
      if (++i >= wsLimit) {
        return false;
      }
      c = t.charAt(i);
    }
    return chars.indexOf(c) >= 0;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
  }

  /** True when {@code s[from, to)} holds a {@code "} that is not part of a backslash escape. */
  static boolean hasUnescapedQuote(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '"' && !escapedAt(s, i)) {
        return true;
      }
    }
    return false;
  }

  /** True when the char at {@code i} is preceded by an odd number of backslashes. */
  private static boolean escapedAt(String s, int i) {
    int k = 0;
    while (i - 1 - k >= 0 && s.charAt(i - 1 - k) == '\\') {
      k++;
    }
    return (k & 1) == 1;
  }

  /** Length of the escape starting at {@code i} (a backslash not itself escaped), else 0. */
  private static int escapeLength(String s, int i) {
    if (i < 0 || i + 1 >= s.length() || s.charAt(i) != '\\' || escapedAt(s, i)) {
      return 0;
    }
    if (s.charAt(i + 1) == 'u') {
      if (i + 6 > s.length()) {
        return 0;
      }
      for (int k = i + 2; k < i + 6; k++) {
        if (Character.digit(s.charAt(k), 16) < 0) {
          return 0;
        }
      }
      return 6;
    }
    return 2;
  }

  /** Moves a span start that falls inside a backslash escape back to the escape's start. */
  static int snapStart(String s, int start) {
    for (int j = start - 1; j >= Math.max(0, start - 5); j--) {
      if (s.charAt(j) == '\\') {
        int len = escapeLength(s, j);
        if (len > 0 && j + len > start) {
          return j;
        }
      }
    }
    return start;
  }

  /** Moves a span end that falls inside a backslash escape forward to the escape's end. */
  static int snapEnd(String s, int end) {
    for (int j = end - 1; j >= Math.max(0, end - 5); j--) {
      if (s.charAt(j) == '\\') {
        int len = escapeLength(s, j);
        if (len > 0 && j + len > end) {
          return j + len;
        }
      }
    }
    return end;
  }

  /**
   * Per-rule state of the keyword hits of one view; only the rules a hit touched are visited and
   * reset, so a view with a few hits does not pay for every rule.
   */
  private static final class RuleState {
    final int[] start;
    final int[] end;
    final int[] lastAnchored;
    final int[] matchEnd;
    private final boolean[] isTouched;
    private int[] touched = new int[16];
    private int touchedCount;

    RuleState(int rules) {
      start = new int[rules];
      end = new int[rules];
      lastAnchored = new int[rules];
      matchEnd = new int[rules];
      isTouched = new boolean[rules];
      Arrays.fill(end, -1);
    }

    void touch(int r) {
      if (!isTouched[r]) {
        isTouched[r] = true;
        if (touchedCount == touched.length) {
          touched = Arrays.copyOf(touched, 2 * touchedCount);
        }
        touched[touchedCount++] = r;
      }
    }

    /** The touched rules, in rule order. */
    int[] touched() {
      int[] t = Arrays.copyOf(touched, touchedCount);
      Arrays.sort(t);
      return t;
    }

    /** Resets every touched rule. */
    void reset() {
      for (int k = 0; k < touchedCount; k++) {
        int r = touched[k];
        start[r] = 0;
        end[r] = -1;
        lastAnchored[r] = 0;
        matchEnd[r] = 0;
        isTouched[r] = false;
      }
      touchedCount = 0;
    }
  }

  /** A match that passed all filters, with its span in the input text. */
  private record Candidate(int rule, int start, int end, String secret, int depth) {
    @Override
    public String toString() {
      return "Candidate{rule=" + rule + ", start=" + start + ", end=" + end + "}";
    }
  }

  /** A rule with its compiled regex and allowlists. */
  private static final class CompiledRule {
    final Rule rule;
    final int index;
    final RuleRegex regex;
    /**
     * {@code \A(?:regex)} for anchored attempts: RE2/J's {@code lookingAt} otherwise keeps
     * stepping to the end of its input after every thread died; with a begin-text assertion it
     * stops there, so a failing attempt costs the chars it actually examined.
     */
    final RuleRegex startRegex;
    /**
     * Most chars a match spans ({@link MaxLength}, else the rule's declared {@link
     * Rule#maxLength()}), or {@link MaxLength#UNKNOWN}.
     */
    final int maxLen;
    /** {@link #maxLen} is derived from the regex (a proven bound, not a declared one). */
    final boolean maxLenExact;
    final int groups;
    final int after;
    final int before;
    /**
     * Every match starts at a keyword hit (see {@link Windows#startsAtKeyword} and {@link
     * Windows#startsWithKeyword}).
     */
    final boolean anchored;
    /**
     * Anchored, and every match starts with {@code \\b} then a word char: a hit preceded by a
     * word char cannot start one.
     */
    final boolean wordAnchored;
    final CompiledAllowlist[] allowlists;
    /** {@link Rule.Near} prefilter: required chars (null = none), key run, extra key chars. */
    final String nearChars;
    final int nearWithin;
    final String nearKeyChars;
    final String nearLiteral;
    final int nearLines;
    /** Key-start rules: lazily skipped key chars, then the regex as group 1; else null. */
    final RuleRegex probe;

    private CompiledRule(Rule rule, int index, Pattern pattern, CompiledAllowlist[] allowlists) {
      this.rule = rule;
      this.index = index;
      // Only the reviewed regexes of the built-in pack are backtracked; user regexes stay RE2/J.
      boolean builtin = BuiltinRegexes.SET.contains(rule.regex());
      this.regex = ruleRegex(pattern, builtin);
      this.startRegex = ruleRegex(Pattern.compile("\\A(?:" + rule.regex() + ")"), builtin);
      int derived = MaxLength.of(rule.regex());
      this.maxLenExact = derived >= 0;
      this.maxLen = derived >= 0 ? derived
          : rule.maxLength() > 0 ? rule.maxLength() : MaxLength.UNKNOWN;
      this.groups = pattern.groupCount();
      this.after = Windows.after(rule.regex());
      List<String> keywords = rule.keywords().stream().map(SecretEngine::fold).toList();
      int offset = Windows.keywordOffset(rule.regex(), keywords, BOUNDARY_EXTENSION);
      this.before = offset >= 0 ? Math.min(offset, Windows.MAX_BEFORE)
          : Windows.before(rule.regex());
      this.wordAnchored = Windows.startsAtKeyword(rule.regex(), keywords);
      // Without a \b the match may start at any hit of its leading keyword; only for rules
      // without a near prefilter (a near check at that hit is not guaranteed to hold).
      this.anchored = wordAnchored
          || (rule.near() == null && Windows.startsWithKeyword(rule.regex(), keywords));
      this.allowlists = allowlists;
      Rule.Near near = rule.near();
      this.nearChars = near == null ? null : near.chars();
      this.nearWithin = near == null ? 0 : near.within();
      this.nearKeyChars = near == null ? "" : near.keyChars();
      this.nearLiteral = near == null ? "" : near.literal();
      this.nearLines = near == null ? 0 : near.lines();
      this.probe = near == null || !near.keyStart() ? null
          : ruleRegex(Pattern.compile("\\A(?:[A-Za-z0-9_.\\-" + classEscape(near.keyChars())
              + "]{0," + KEY_RUN + "}?)(" + rule.regex() + ")"), builtin);
    }

    private static RuleRegex ruleRegex(Pattern p, boolean builtin) {
      return new RuleRegex(p, builtin ? Backtracker.compile(p.pattern()) : null);
    }

    static CompiledRule compile(Rule rule, int index) {
      String what = "rule " + rule.id();
      for (int i = 0; i < rule.id().length(); i++) {
        char c = rule.id().charAt(i);
        if (c == '"' || c == '\\' || c == ']' || c < 0x20 || Character.isWhitespace(c)) {
          throw new IllegalArgumentException(
              what + ": id must not contain whitespace, '\"', '\\', ']' or control chars");
        }
      }
      Pattern p = SecretEngine.compile(rule.regex(), what);
      if (rule.secretGroup() > p.groupCount()) {
        throw new IllegalArgumentException(what + ": secret group " + rule.secretGroup()
            + " but the regex has only " + p.groupCount() + " group(s)");
      }
      CompiledAllowlist[] allowlists = rule.allowlists().stream()
          .map(a -> CompiledAllowlist.compile(a, what + " allowlist"))
          .toArray(CompiledAllowlist[]::new);
      return new CompiledRule(rule, index, p, allowlists);
    }

    /** The secret's group in {@code m}, where the rule's regex is group {@code shift}. */
    int secretGroup(RuleRegex.Match m, int shift) {
      int g = rule.secretGroup();
      if (g != Rule.FIRST_NON_EMPTY_GROUP) {
        return g + shift;
      }
      for (int i = 1; i <= groups; i++) {
        if (m.start(i + shift) >= 0 && m.end(i + shift) > m.start(i + shift)) {
          return i + shift;
        }
      }
      return shift;
    }
  }

  /** The regexes of the built-in rule pack, loaded on first use. */
  private static final class BuiltinRegexes {
    static final Set<String> SET = Rules.builtin().stream()
        .flatMap(r -> Stream.concat(Stream.of(r.regex()),
            r.allowlists().stream().flatMap(a -> a.regexes().stream())))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** An {@link Allowlist} with compiled regexes and folded stopwords. */
  private record CompiledAllowlist(
      RuleRegex[] regexes, WordSet stopwords, Allowlist.Target target,
      Allowlist.Condition condition) {

    static CompiledAllowlist compile(Allowlist a, String what) {
      RuleRegex[] regexes = a.regexes().stream()
          .map(r -> new RuleRegex(SecretEngine.compile(r, what),
              BuiltinRegexes.SET.contains(r) ? Backtracker.compile(r) : null))
          .toArray(RuleRegex[]::new);
      WordSet stopwords = new WordSet(a.stopwords().stream()
          .map(s -> s.toLowerCase(Locale.ROOT)).toList());
      return new CompiledAllowlist(regexes, stopwords, a.target(), a.condition());
    }

    boolean allows(String secret, String text, int matchStart, int matchEnd) {
      if (regexes.length == 0 && stopwords.isEmpty()) {
        return false;
      }
      String t;
      switch (target) {
        case MATCH:
          t = text.substring(matchStart, matchEnd);
          break;
        case LINE:
          t = line(text, matchStart, matchEnd);
          break;
        default:
          t = secret;
      }
      // Cheapest test first; the result is the same in any order.
      if (condition == Allowlist.Condition.OR) {
        return (!stopwords.isEmpty() && stopwords.foundIn(t)) || anyRegex(t);
      }
      return (stopwords.isEmpty() || stopwords.foundIn(t)) && (regexes.length == 0 || anyRegex(t));
    }

    private boolean anyRegex(String t) {
      for (RuleRegex p : regexes) {
        if (p.matcher(t, 0, t.length()).find()) {
          return true;
        }
      }
      return false;
    }

    /** The line around a match; a JSON-escaped {@code \\n} ends a line as a newline does. */
    private static String line(String text, int from, int to) {
      int a = from;
      int limit = Math.max(0, from - LINE_LIMIT);
      while (a > limit && text.charAt(a - 1) != '\n'
          && !(text.charAt(a - 1) == 'n' && a - 2 >= 0 && text.charAt(a - 2) == '\\')) {
        a--;
      }
      int b = to;
      limit = Math.min(text.length(), to + LINE_LIMIT);
      while (b < limit && text.charAt(b) != '\n'
          && !(text.charAt(b) == '\\' && b + 1 < text.length() && text.charAt(b + 1) == 'n')) {
        b++;
      }
      return text.substring(a, b);
    }
  }

  /** Configures and builds a {@link SecretEngine}. */
  public static final class Builder {
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Set<String> disabled = new HashSet<>();
    private final Set<String> allowValues = new LinkedHashSet<>();
    private final List<String> allowRegexes = new ArrayList<>();
    private final List<Allowlist> globalAllowlists = new ArrayList<>();
    private Severity minSeverity = Severity.LOW;
    private boolean json = true;
    private boolean base64 = true;
    private boolean url = true;
    private MaskingStyle masking = MaskingStyle.redacted();
    private byte[] fingerprintKey;

    private Builder() {}

    /** Adds rules; a rule with the id of an earlier one replaces it (keeping its position). */
    public Builder addRules(Collection<Rule> newRules) {
      for (Rule r : Objects.requireNonNull(newRules, "rules")) {
        rules.put(Objects.requireNonNull(r, "rule").id(), r);
      }
      return this;
    }

    /** Adds one rule, see {@link #addRules(Collection)}. */
    public Builder addRule(Rule rule) {
      return addRules(List.of(rule));
    }

    /** Rule ids not to run. Unknown ids are ignored. */
    public Builder disabledRules(Collection<String> ruleIds) {
      disabled.addAll(Objects.requireNonNull(ruleIds, "ruleIds"));
      return this;
    }

    /** Exact secret values that are never reported. */
    public Builder allowValues(Collection<String> literalValues) {
      allowValues.addAll(Objects.requireNonNull(literalValues, "literalValues"));
      return this;
    }

    /** RE2 regexes: a secret in which any of them is found is not reported. */
    public Builder allowRegexes(Collection<String> re2Regexes) {
      allowRegexes.addAll(Objects.requireNonNull(re2Regexes, "re2Regexes"));
      return this;
    }

    /** Allowlists applied to every rule (e.g. a gitleaks file's global {@code [allowlist]}). */
    public Builder globalAllowlists(Collection<Allowlist> allowlists) {
      globalAllowlists.addAll(Objects.requireNonNull(allowlists, "allowlists"));
      return this;
    }

    /** Rules below this severity do not run. Default {@link Severity#LOW}. */
    public Builder minSeverity(Severity s) {
      minSeverity = Objects.requireNonNull(s, "minSeverity");
      return this;
    }

    /** Which decoders run (JSON string escapes, base64 runs, URL encoding). Default all. */
    public Builder decoders(boolean json, boolean base64, boolean url) {
      this.json = json;
      this.base64 = base64;
      this.url = url;
      return this;
    }

    /** How findings are masked. Default {@link MaskingStyle#redacted()}. */
    public Builder masking(MaskingStyle style) {
      masking = Objects.requireNonNull(style, "masking");
      return this;
    }

    /** HMAC-SHA256 key for fingerprints (see {@link Fingerprints}). Required. */
    public Builder fingerprintKey(byte[] key) {
      fingerprintKey = Objects.requireNonNull(key, "fingerprintKey").clone();
      return this;
    }

    /**
     * Compiles everything.
     *
     * @throws NullPointerException if no fingerprint key was set
     * @throws IllegalArgumentException naming the rule id on a bad regex or secret group
     */
    public SecretEngine build() {
      Objects.requireNonNull(fingerprintKey,
          "fingerprintKey is required: call Builder.fingerprintKey(...), "
              + "e.g. with Fingerprints.loadOrCreateKey(path)");
      return new SecretEngine(this, fingerprintKey);
    }
  }
}
