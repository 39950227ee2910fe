package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MaskingStyleTest {

  private static final String TEXT = "id=" + TestSupport.AWS_KEY + ";";
  private static final String FP = Fingerprints.of(TestSupport.KEY, TestSupport.AWS_KEY);

  private static Redaction redact(MaskingStyle style) {
    return TestSupport.builder().masking(style).build().redact(TEXT);
  }

  @Test
  void redactedIsTheDefault() {
    assertThat(TestSupport.engine().redact(TEXT).text())
        .isEqualTo("id=[REDACTED:aws-access-key-id:" + FP + "];");
  }

  @Test
  void fixedReplacesWithText() {
    assertThat(redact(MaskingStyle.fixed("****")).text()).isEqualTo("id=****;");
  }

  @Test
  void fixedRejectsJsonBreakingText() {
    assertThatThrownBy(() -> MaskingStyle.fixed("a\"b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepPrefixKeepsFirstChars() {
    assertThat(redact(MaskingStyle.keepPrefix(4)).text())
        .isEqualTo("id=AKIA...[REDACTED:aws-access-key-id:" + FP + "];");
  }

  @Test
  void keepPrefixNeverKeepsMoreThanHalf() {
    assertThat(redact(MaskingStyle.keepPrefix(100)).text())
        .startsWith("id=" + TestSupport.AWS_KEY.substring(0, 10) + "...[REDACTED:");
  }

  @Test
  void dropAttributeMasksAndFlags() {
    Redaction r = redact(MaskingStyle.dropAttribute());
    assertThat(r.dropAttribute()).isTrue();
    assertThat(r.text()).isEqualTo("id=[REDACTED:aws-access-key-id:" + FP + "];");
  }

  @Test
  void dropAttributeIsFalseForCleanText() {
    Redaction r = TestSupport.builder().masking(MaskingStyle.dropAttribute()).build()
        .redact("clean");
    assertThat(r.dropAttribute()).isFalse();
  }

  @Test
  void parseKnowsAllStyles() {
    assertThat(MaskingStyle.parse("redacted", null, 0)).isEqualTo(MaskingStyle.redacted());
    assertThat(MaskingStyle.parse("FIXED", "#", 0)).isEqualTo(MaskingStyle.fixed("#"));
    assertThat(MaskingStyle.parse("keep-prefix", null, 3)).isEqualTo(MaskingStyle.keepPrefix(3));
    assertThat(MaskingStyle.parse("drop_attribute", null, 0))
        .isEqualTo(MaskingStyle.dropAttribute());
    assertThatThrownBy(() -> MaskingStyle.parse("nope", null, 0))
        .hasMessageContaining("redacted|fixed|keep_prefix|drop_attribute");
  }
}
