package io.tracewarden.core.visit;

/**
 * Where a visited string sits, e.g. {@code span.attributes[gen_ai.input.messages]} or
 * {@code log.body[messages][2][content]}. The path is built only when asked for, so visiting
 * clean data allocates no strings.
 */
public final class StringField {

  private final FieldKind kind;
  private final String container;
  private final StringField parent;
  private final String key;
  private final int index;
  private final boolean removable;
  private final boolean isKey;
  private String path;

  private StringField(
      FieldKind kind, String container, StringField parent, String key, int index,
      boolean removable) {
    this(kind, container, parent, key, index, removable, false);
  }

  private StringField(
      FieldKind kind, String container, StringField parent, String key, int index,
      boolean removable, boolean isKey) {
    this.kind = kind;
    this.container = container;
    this.parent = parent;
    this.key = key;
    this.index = index;
    this.removable = removable;
    this.isKey = isKey;
  }

  static StringField of(FieldKind kind, String path) {
    return new StringField(kind, path, null, null, -1, false);
  }

  static StringField attribute(FieldKind kind, String container, String key) {
    return new StringField(kind, container, null, key, -1, true);
  }

  StringField child(String childKey) {
    return new StringField(kind, null, this, childKey, -1, true);
  }

  /**
   * A key of the kvlist at this field. Its path ends in {@code [{key}]}, never in the key's text,
   * which may be the very secret being reported.
   */
  StringField keyOf() {
    return new StringField(FieldKind.KVLIST_KEY, null, this, null, -1, false, true);
  }

  StringField element(int childIndex) {
    return new StringField(kind, null, this, null, childIndex, false);
  }

  public FieldKind kind() {
    return kind;
  }

  /**
   * The key of the attribute that holds this string at the top level (e.g.
   * {@code gen_ai.input.messages} for anything nested inside that attribute), or null for
   * non-attribute fields such as span names.
   */
  public String attributeKey() {
    StringField top = this;
    while (top.parent != null) {
      top = top.parent;
    }
    return top.key;
  }

  /** The innermost key: the attribute key or the kvlist key holding this string, or null. */
  public String key() {
    return key;
  }

  /** Whether returning null from the visitor removes the holding attribute or kvlist entry. */
  public boolean removable() {
    return removable;
  }

  public String path() {
    String cached = path;
    if (cached == null) {
      StringBuilder out = new StringBuilder(64);
      appendPath(out);
      cached = out.toString();
      path = cached;
    }
    return cached;
  }

  private void appendPath(StringBuilder out) {
    if (parent != null) {
      parent.appendPath(out);
    } else if (container != null) {
      out.append(container);
    }
    if (isKey) {
      out.append("[{key}]");
    } else if (key != null) {
      out.append('[').append(key).append(']');
    } else if (index >= 0) {
      out.append('[').append(index).append(']');
    }
  }

  @Override
  public String toString() {
    return path();
  }
}
