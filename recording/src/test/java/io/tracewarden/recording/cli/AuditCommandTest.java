package io.tracewarden.recording.cli;

import static io.tracewarden.recording.TestTrails.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.recording.TestTrails;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditCommandTest {

  @TempDir Path data;
  @TempDir Path work;
  private Path dir;

  @BeforeEach
  void writeTrail() throws Exception {
    dir = TestTrails.write(data, 12, "");
  }

  @ParameterizedTest(name = "seq {0}")
  @ValueSource(longs = {0, 1, 17, 33, 49})
  void provedRecordsVerify(long seq) throws Exception {
    Path proof = work.resolve(seq + ".tlog-proof");
    Path record = work.resolve(seq + ".json");
    TestTrails.Result prove = cli("prove", "--dir", dir.toString(), "--seq", Long.toString(seq),
        "--out", proof.toString(), "--record-out", record.toString());
    assertThat(prove.exitCode()).as(prove.err()).isZero();
    assertThat(Files.readString(proof)).startsWith("c2sp.org/tlog-proof@v1\nindex " + seq + "\n")
        .contains("\n\ntracewarden.audit/test\n").contains("\n\u2014 tracewarden.audit/test ");

    TestTrails.Result byFile = cli("verify-proof", "--proof", proof.toString(), "--record",
        record.toString(), "--public-key", dir.resolve("keys/signing.pub").toString());
    assertThat(byFile.exitCode()).as(byFile.err()).isZero();
    assertThat(byFile.out()).startsWith("ok: seq " + seq + " is included in checkpoint ");
    TestTrails.Result bySeq = cli("verify-proof", "--proof", proof.toString(), "--dir",
        dir.toString(), "--seq", Long.toString(seq));
    assertThat(bySeq.exitCode()).as(bySeq.err()).isZero();
  }

  @Test
  void aProofOfAnotherRecordOrAChangedRecordFails() throws Exception {
    Path proof = work.resolve("p");
    Path record = work.resolve("r");
    cli("prove", "--dir", dir.toString(), "--seq", "5", "--out", proof.toString(),
        "--record-out", record.toString());
    TestTrails.Result other = cli("verify-proof", "--proof", proof.toString(), "--dir",
        dir.toString(), "--seq", "6");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("seq 5: the record is a different record (seq 6)");

    Files.writeString(record, Files.readString(record).replace("\"type\":", "\"type\" :"));
    TestTrails.Result changed = cli("verify-proof", "--proof", proof.toString(), "--record",
        record.toString(), "--dir", dir.toString());
    assertThat(changed.exitCode()).isEqualTo(1);
    assertThat(changed.err()).contains("seq 5: inclusion proof does not lead to the signed root");
  }

  @Test
  void sessionsListsEachSessionWithCounts() {
    TestTrails.Result result = cli("sessions", "--dir", dir.toString());
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).hasSize(6).element(1).asString()
        .startsWith("s0").contains("alice").containsPattern("\\s+9\\s+3\\s+0$");
  }

  @Test
  void replayShowsTheTimelineInOrderAsTextOrJson() throws Exception {
    TestTrails.Running running = TestTrails.start(data, "origin: tracewarden.audit/test");
    running.exporter().consume(TestTrails.logs("s1", "done")).get(5, TimeUnit.SECONDS);
    running.exporter().shutdown(Duration.ofSeconds(5));

    TestTrails.Result text = cli("replay", "--dir", dir.toString(), "--session", "s1");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out().lines().map(l -> l.replaceAll("^\\S+\\s+seq \\d+\\s+", "")).toList())
        .startsWith("audit    secrets.masked by secrets: github-pat@span.name",
            "ingress  traces x2 from alice via otlp (10.0.0.7:5555)",
            "span     agent: chat gpt-4o [0000000000000101]",
            "span     agent: execute_tool search [0000000000000102]")
        .endsWith("log      agent: done");
    TestTrails.Result json = cli("replay", "--dir", dir.toString(), "--session", "s1", "--format",
        "json");
    assertThat(json.out().lines()).allSatisfy(line -> assertThat(line).startsWith("{\""));
    assertThat(cli("replay", "--dir", dir.toString(), "--session", "nobody").exitCode())
        .isEqualTo(1);
  }

  @Test
  void usageAndIoErrorsExitTwo() {
    assertThat(cli("verify").exitCode()).isEqualTo(2);
    assertThat(cli("verify", "--dir", work.resolve("missing").toString()).exitCode())
        .isEqualTo(2);
    assertThat(cli("prove", "--dir", dir.toString(), "--seq", "100000").err())
        .contains("not covered by the latest checkpoint");
    assertThat(cli("verify", "--dir", dir.toString(), "--public-key",
        work.resolve("none.pub").toString()).exitCode()).isEqualTo(2);
  }

  @Test
  void anotherKeyFailsEveryCheckpoint() throws Exception {
    Path other = TestTrails.write(work, 1, "");
    TestTrails.Result result = TestTrails.verify(dir, "--public-key",
        other.resolve("keys/signing.pub").toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains(": bad signature");
  }
}
