package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final SecretEngine engine = TestSupport.engine();

  private static String genAiMessages(String content) throws Exception {
    return JSON.writeValueAsString(List.of(Map.of("role", "assistant", "parts",
        List.of(Map.of("type", "text", "content", content)))));
  }

  @Test
  void pemKeyInsideJsonStringIsMaskedAndJsonStaysValid() throws Exception {
    String pem = TestSupport.pemKey();
    String doc = genAiMessages("here is the key:\n" + pem + "\n");
    assertThat(doc).contains("\\n-----END RSA PRIVATE KEY-----");

    Redaction r = engine.redact(doc);

    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("private-key");
    JsonNode parsed = JSON.readTree(r.text());
    String content = parsed.get(0).get("parts").get(0).get("content").asText();
    assertThat(content).startsWith("here is the key:\n[REDACTED:private-key:")
        .doesNotContain("PRIVATE KEY-----").endsWith("]\n");
    assertThat(r.findings().get(0).fingerprint())
        .isEqualTo(Fingerprints.of(TestSupport.KEY, pem));
  }

  @Test
  void secretWithJsonUnicodeEscapeMapsBackToEscapedSpan() throws Exception {
    String token = TestSupport.githubToken("ghp_", 21);
    String escaped = "\\u0067" + token.substring(1); // "\u0067" is 'g'
    String doc = "{\"content\":\"token " + escaped + "\"}";

    Redaction r = engine.redact(doc);

    Finding f = r.findings().get(0);
    assertThat(doc.substring(f.start(), f.end())).isEqualTo(escaped);
    assertThat(f.fingerprint()).isEqualTo(Fingerprints.of(TestSupport.KEY, token));
    assertThat(JSON.readTree(r.text()).get("content").asText()).startsWith("token [REDACTED:");
  }

  @Test
  void jsonInsideJsonIsDecodedTwice() throws Exception {
    String inner = genAiMessages("key:\n" + TestSupport.pemKey() + "\n");
    String outer = JSON.writeValueAsString(Map.of("gen_ai.output.messages", inner));
    assertThat(outer).contains("\\\\n");

    Redaction r = engine.redact(outer);

    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("private-key");
    String innerAfter = JSON.readTree(r.text()).get("gen_ai.output.messages").asText();
    assertThat(JSON.readTree(innerAfter).get(0).get("parts").get(0).get("content").asText())
        .contains("[REDACTED:private-key:").doesNotContain("BEGIN RSA");
  }

  @Test
  void rawMatchNeverSplitsAJsonEscape() throws Exception {
    String doc = "{\"a\":\"password=Zq8#rT2!vL9p\\\"x\"}";
    Redaction r = engine.redact(doc);
    assertThat(r.changed()).isTrue();
    JSON.readTree(r.text()); // still valid
  }

  @Test
  void base64SegmentIsDecodedAndWholeSegmentMasked() {
    String encoded = Base64.getEncoder().encodeToString(
        ("aws_access_key_id=" + TestSupport.AWS_KEY).getBytes(StandardCharsets.UTF_8));
    String text = "header: " + encoded + " trailer";

    List<Finding> findings = engine.scan(text);

    assertThat(findings).hasSize(1);
    assertThat(text.substring(findings.get(0).start(), findings.get(0).end())).isEqualTo(encoded);
    assertThat(findings.get(0).fingerprint())
        .isEqualTo(Fingerprints.of(TestSupport.KEY, TestSupport.AWS_KEY));
  }

  @Test
  void urlSafeBase64IsDecoded() {
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"k\":\"" + TestSupport.AWS_KEY + "\"}?>>>").getBytes(StandardCharsets.UTF_8));
    assertThat(engine.scan("v=" + encoded)).extracting(Finding::ruleId)
        .containsExactly("aws-access-key-id");
  }

  @Test
  void base64OfBinaryIsIgnored() {
    byte[] bin = new byte[96];
    new java.util.Random(1).nextBytes(bin);
    assertThat(engine.scan(Base64.getEncoder().encodeToString(bin))).isEmpty();
  }

  @Test
  void urlEncodedSecretMapsBackToEncodedSpan() {
    String pw = "Zq8#rT2!vL9p";
    String encoded = URLEncoder.encode(pw, StandardCharsets.UTF_8);
    String text = "https://x.test/login?password%3D" + encoded + " next=%2F";

    Redaction r = engine.redact(text);

    Finding f = r.findings().get(0);
    assertThat(f.ruleId()).isEqualTo("generic-password");
    assertThat(text.substring(f.start(), f.end())).isEqualTo(encoded);
    assertThat(f.fingerprint()).isEqualTo(Fingerprints.of(TestSupport.KEY, pw));
  }

  @Test
  void decodersCanBeDisabled() {
    String encoded = Base64.getEncoder().encodeToString(
        ("aws_access_key_id=" + TestSupport.AWS_KEY).getBytes(StandardCharsets.UTF_8));
    SecretEngine off = TestSupport.builder().decoders(false, false, false).build();
    assertThat(off.scan(encoded)).isEmpty();
  }

  @Test
  void base64RunJoinedByAJsonEscapeIsDecoded() {
    // JSON may escape '/' as "\/": the raw text then has no long run, only the decoded view does.
    String payload = "creds\nkey " + TestSupport.AWS_KEY + "\n";
    String encoded = Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    for (int pad = 0; !encoded.contains("/"); pad++) {
      encoded = Base64.getEncoder().encodeToString((payload + "~".repeat(pad) + "?")
          .getBytes(StandardCharsets.UTF_8));
    }
    String doc = "{\"blob\":\"" + encoded.replace("/", "\\/") + "\",\"again\":\"" + encoded
        + "\"}";
    List<Finding> findings = engine.scan(doc);
    assertThat(findings).hasSize(2);
    assertThat(findings).allMatch(f -> f.ruleId().equals("aws-access-key-id"));
  }

  @Test
  void base64NestedInJsonIsFound() throws Exception {
    String encoded = Base64.getEncoder().encodeToString(
        ("creds\nkey " + TestSupport.AWS_KEY + "\n").getBytes(StandardCharsets.UTF_8));
    String doc = JSON.writeValueAsString(Map.of("content", "blob:\n" + encoded));
    Redaction r = engine.redact(doc);
    assertThat(r.findings()).hasSize(1);
    assertThat(JSON.readTree(r.text()).get("content").asText())
        .startsWith("blob:\n[REDACTED:aws-access-key-id:");
  }
}
