package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineAllowlistTest {

  private static final SecretEngine ENGINE = SecretEngine.builder().addRules(Rules.builtin())
      .fingerprintKey(new byte[32]).build();
  private static final String SECRET = "DB_PASSWORD=hpJA9MuN2gp.kwEKOQ";

  @Test
  void aLineAllowlistStillAppliesOnItsOwnLine() {
    assertThat(ENGINE.scan("checksum/secret: ef87d1f1253584dcd5c0fd73355670ee0b92c0355ed331d31bc6"
        + "51c619255c98")).isEmpty();
  }

  @Test
  void anUnrelatedWordFarAwayOnAOneLineJsonTraceDoesNotHideASecret() {
    String trace = "{\"annotations\":\"checksum/config: 4f1c\",\"pad\":\"" + "x ".repeat(200)
        + "\",\"output\":\"" + SECRET + "\"}";
    assertThat(ENGINE.scan(trace)).extracting(Finding::ruleId).isNotEmpty();
  }

  @Test
  void anEscapedNewlineEndsALineInsideJson() {
    String trace = "{\"output\":\"checksum/config: 4f1c\\n" + SECRET + "\"}";
    List<Finding> findings = ENGINE.scan(trace);
    assertThat(findings).isNotEmpty();
    assertThat(trace.substring(findings.get(0).start(), findings.get(0).end()))
        .isEqualTo("hpJA9MuN2gp.kwEKOQ");
  }
}
