package io.tracewarden.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * How a secret's span is replaced. Every style produces text without {@code "}, {@code \} or
 * control characters, so masking inside a JSON string keeps the document valid.
 */
public sealed interface MaskingStyle
    permits MaskingStyle.Redacted,
        MaskingStyle.Fixed,
        MaskingStyle.KeepPrefix,
        MaskingStyle.DropAttribute {

  /** {@code [REDACTED:<rule-id>:<fingerprint>]}. The default. */
  static MaskingStyle redacted() {
    return Redacted.INSTANCE;
  }

  /** A fixed text, e.g. {@code ****}; it must not contain {@code "}, {@code \} or controls. */
  static MaskingStyle fixed(String text) {
    return new Fixed(text);
  }

  /**
   * The first {@code n} chars of the secret as written in the text, then {@code
   * ...[REDACTED:<rule-id>:<fingerprint>]}. At most half of the span is kept, and the kept prefix
   * is cut before any {@code "}, {@code \} or control char.
   */
  static MaskingStyle keepPrefix(int n) {
    return new KeepPrefix(n);
  }

  /**
   * Masks like {@link #redacted()} and sets {@link Redaction#dropAttribute()} so the caller drops
   * the whole attribute.
   */
  static MaskingStyle dropAttribute() {
    return DropAttribute.INSTANCE;
  }

  /**
   * Parses a configured style: {@code redacted}, {@code fixed} (uses {@code fixedText}), {@code
   * keep_prefix} (uses {@code prefixLength}) or {@code drop_attribute}; {@code -} and {@code _}
   * are interchangeable, case is ignored.
   */
  static MaskingStyle parse(String name, String fixedText, int prefixLength) {
    String n = Objects.requireNonNull(name, "masking style").trim().toLowerCase(Locale.ROOT)
        .replace('-', '_');
    switch (n) {
      case "redacted":
        return redacted();
      case "fixed":
        return fixed(fixedText);
      case "keep_prefix":
        return keepPrefix(prefixLength);
      case "drop_attribute":
      case "drop":
        return dropAttribute();
      default:
        throw new IllegalArgumentException("unknown masking style '" + name
            + "', expected one of redacted|fixed|keep_prefix|drop_attribute");
    }
  }

  /** Replacement for one finding; {@code original} is the masked span of the input text. */
  String replacement(String ruleId, String fingerprint, CharSequence original);

  /** See {@link #redacted()}. */
  record Redacted() implements MaskingStyle {
    static final Redacted INSTANCE = new Redacted();

    @Override
    public String replacement(String ruleId, String fingerprint, CharSequence original) {
      return "[REDACTED:" + ruleId + ":" + fingerprint + "]";
    }
  }

  /** See {@link #fixed(String)}. */
  record Fixed(String text) implements MaskingStyle {
    public Fixed {
      Objects.requireNonNull(text, "fixed masking text");
      for (int i = 0; i < text.length(); i++) {
        if (!safe(text.charAt(i))) {
          throw new IllegalArgumentException(
              "fixed masking text must not contain '\"', '\\' or control characters");
        }
      }
    }

    @Override
    public String replacement(String ruleId, String fingerprint, CharSequence original) {
      return text;
    }
  }

  /** See {@link #keepPrefix(int)}. */
  record KeepPrefix(int n) implements MaskingStyle {
    public KeepPrefix {
      if (n < 0) {
        throw new IllegalArgumentException("keep_prefix length must be >= 0, got " + n);
      }
    }

    @Override
    public String replacement(String ruleId, String fingerprint, CharSequence original) {
      int keep = Math.min(n, original.length() / 2);
      StringBuilder sb = new StringBuilder(keep + 40);
      for (int i = 0; i < keep && safe(original.charAt(i)); i++) {
        sb.append(original.charAt(i));
      }
      if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
        sb.setLength(sb.length() - 1);
      }
      return sb.append("...[REDACTED:").append(ruleId).append(':').append(fingerprint).append(']')
          .toString();
    }
  }

  /** See {@link #dropAttribute()}. */
  record DropAttribute() implements MaskingStyle {
    static final DropAttribute INSTANCE = new DropAttribute();

    @Override
    public String replacement(String ruleId, String fingerprint, CharSequence original) {
      return Redacted.INSTANCE.replacement(ruleId, fingerprint, original);
    }
  }

  private static boolean safe(char c) {
    return c != '"' && c != '\\' && c >= 0x20 && c != 0x7f;
  }
}
