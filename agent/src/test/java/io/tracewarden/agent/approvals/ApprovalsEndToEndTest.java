package io.tracewarden.agent.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracewarden.agent.Tracewarden;
import io.tracewarden.agent.admin.AdminExtension;
import io.tracewarden.core.component.ComponentFactory;
import io.tracewarden.core.component.ComponentId;
import io.tracewarden.core.component.ComponentRegistry;
import io.tracewarden.core.config.ConfigLoader;
import io.tracewarden.core.consumer.Telemetry;
import io.tracewarden.core.pipeline.Service;
import io.tracewarden.core.testing.ConsumerExporterFactory;
import io.tracewarden.core.testing.Canaries;
import io.tracewarden.core.testing.RecordingConsumer;
import io.tracewarden.receivers.otlp.OtlpReceiver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real OpenTelemetry SDK sends through the real OTLP receiver, secrets and approval processors
 * to a capture backend; humans decide through the real admin API with tokens signed by keys the
 * test generates and serves as a JWKS from a real local HTTP server.
 */
class ApprovalsEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ISSUER = "https://issuer.test";
  private static final String AUDIENCE = "tracewarden-admin";
  private static final String SENDER = "agent-7";
  private static final String SENDER_TOKEN = "sender-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final RecordingConsumer backend = new RecordingConsumer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private RSAKey rsaKey;
  private ECKey ecKey;
  private KeyPair edKeys;
  private HttpServer jwksServer;
  private Service service;
  private int agentPort;
  private int adminPort;

  @BeforeEach
  void keys() throws Exception {
    rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).generate();
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
    edKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = edKeys.getPublic().getEncoded();
    OctetKeyPair edJwk = new OctetKeyPair.Builder(Curve.Ed25519,
        Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32, spki.length)))
        .keyID("ed-1").keyUse(KeyUse.SIGNATURE).build();
    String jwks = new JWKSet(List.of(rsaKey.toPublicJWK(), ecKey.toPublicJWK(), edJwk))
        .toString(true);
    jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwksServer.createContext("/jwks.json", exchange -> {
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    jwksServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    if (service != null) {
      service.close();
    }
    jwksServer.stop(0);
  }

  // ---- the flow

  @Test
  void heldSpanReachesTheBackendOnlyAfterApprovalExactlyOnceAndMasked() throws Exception {
    startAgent("timeout: 5m");

    sendSpan("tool-call", "conv-1");

    JsonNode hold = awaitPendingHold();
    assertThat(backend.received()).isEmpty();
    assertThat(hold.path("principal").asText()).isEqualTo(SENDER);
    assertThat(hold.path("service").asText()).isEqualTo("coding-agent");
    assertThat(hold.path("session").asText()).isEqualTo("conv-1");
    assertThat(hold.path("records").asInt()).isEqualTo(1);
    assertThat(hold.path("rules").toString()).contains("github-pat");
    assertThat(hold.path("severities").toString()).contains("critical");
    String id = hold.path("id").asText();

    HttpResponse<String> detail = get("/api/v1/holds/" + id, token("viewer-1", "viewer"));
    assertThat(detail.statusCode()).isEqualTo(200);
    assertThat(detail.body()).doesNotContain(Canaries.GITHUB_TOKEN).contains("[REDACTED:github-pat:");
    JsonNode finding = JSON.readTree(detail.body()).path("findings").get(0);
    assertThat(finding.path("rule").asText()).isEqualTo("github-pat");
    assertThat(finding.path("severity").asText()).isEqualTo("critical");
    assertThat(finding.path("path").asText()).isEqualTo("span.attributes[tool.output]");
    assertThat(finding.path("fingerprint").asText()).matches("[0-9a-f]{8}");

    HttpResponse<String> approved = post("/api/v1/holds/" + id + "/approve",
        token("alice", "approver"), "{\"reason\":\"benign test key\"}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(JSON.readTree(approved.body()).path("state").asText()).isEqualTo("approved");

    List<Telemetry> received = backend.awaitItems(1, WAIT);
    io.opentelemetry.proto.trace.v1.Span span =
        received.get(0).traces().getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEqualTo("tool-call");
    assertThat(span.getAttributesList()).anySatisfy(kv -> assertThat(kv.getValue()
        .getStringValue()).matches("GITHUB_TOKEN=\\[REDACTED:github-pat:[0-9a-f]{8}]"));
    assertThat(new String(received.get(0).request().toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain(Canaries.GITHUB_TOKEN);

    assertThat(post("/api/v1/holds/" + id + "/approve", token("bob", "approver"), "{}")
        .statusCode()).isEqualTo(409);
    assertThat(post("/api/v1/holds/" + id + "/deny", token("bob", "approver"), "{}")
        .statusCode()).isEqualTo(409);
    Thread.sleep(300);
    assertThat(backend.received()).hasSize(1);
    JsonNode approvedList = JSON.readTree(get("/api/v1/holds?state=approved",
        token("viewer-1", "viewer")).body());
    assertThat(approvedList.path("holds").get(0).path("approvals").toString()).contains("alice");
  }

  @Test
  void deniedSpanNeverReachesTheBackend() throws Exception {
    startAgent("timeout: 5m");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();

    HttpResponse<String> denied = post("/api/v1/holds/" + id + "/deny",
        token("alice", "approver"), "{\"reason\":\"exfiltration attempt\"}");

    assertThat(denied.statusCode()).isEqualTo(200);
    Thread.sleep(500);
    assertThat(backend.received()).isEmpty();
    JsonNode list = JSON.readTree(get("/api/v1/holds?state=denied", token("v", "viewer")).body());
    assertThat(list.path("holds").size()).isEqualTo(1);
  }

  @Test
  void shortTimeoutExpiresTheHoldAndDeniesByDefault() throws Exception {
    startAgent("timeout: 300ms");
    sendSpan("tool-call", "conv-1");

    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode expired;
    do {
      Thread.sleep(50);
      expired = JSON.readTree(get("/api/v1/holds?state=expired", token("v", "viewer")).body());
    } while (expired.path("holds").isEmpty() && System.nanoTime() < deadline);
    assertThat(expired.path("holds").size()).isEqualTo(1);
    assertThat(expired.path("holds").get(0).path("outcome").asText()).isEqualTo("dropped");
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void cliListsShowsAndApproves() throws Exception {
    startAgent("timeout: 5m");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();
    String server = "http://127.0.0.1:" + adminPort;

    String[] list = cli("approvals", "list", "--server", server, "--token",
        token("v", "viewer"), "--state", "pending");
    assertThat(list[0]).isEqualTo("0");
    assertThat(list[1]).contains(id).contains("github-pat").contains(SENDER);

    Path tokenFile = Files.writeString(dir.resolve("token"), token("v", "viewer"));
    String[] show = cli("approvals", "show", id, "--server", server, "--token-file",
        tokenFile.toString());
    assertThat(show[0]).isEqualTo("0");
    assertThat(show[1]).contains("\"fingerprint\"").doesNotContain(Canaries.GITHUB_TOKEN);

    String[] viewerApproves = cli("approvals", "approve", id, "--server", server, "--token",
        token("v", "viewer"));
    assertThat(viewerApproves[0]).isEqualTo("1");
    assertThat(viewerApproves[2]).contains("HTTP 403");

    String[] approve = cli("approvals", "approve", id, "--server", server, "--token",
        token("alice", "approver"), "--reason", "ok");
    assertThat(approve[0]).as(approve[2]).isEqualTo("0");
    backend.awaitItems(1, WAIT);

    String[] again = cli("approvals", "deny", id, "--server", server, "--token",
        token("bob", "approver"));
    assertThat(again[0]).isEqualTo("1");
    assertThat(again[2]).contains("HTTP 409");
  }

  // ---- authentication and authorisation

  @Test
  void requestsWithoutAValidTokenAreRefusedWith401() throws Exception {
    startAgent("timeout: 5m");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();
    String path = "/api/v1/holds/" + id + "/approve";
    Instant now = Instant.now();

    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("no token", null);
    refused.put("not a JWT", "not-a-jwt");
    refused.put("expired", sign(JWSAlgorithm.RS256, claims("alice", "approver")
        .expirationTime(Date.from(now.minusSeconds(600))).build()));
    refused.put("not yet valid", sign(JWSAlgorithm.RS256, claims("alice", "approver")
        .notBeforeTime(Date.from(now.plusSeconds(600))).build()));
    refused.put("wrong audience", sign(JWSAlgorithm.RS256, claims("alice", "approver")
        .audience("someone-else").build()));
    refused.put("wrong issuer", sign(JWSAlgorithm.RS256, claims("alice", "approver")
        .issuer("https://evil.test").build()));
    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
    refused.put("unknown key", signWith(new RSASSASigner(rogue), JWSAlgorithm.RS256, "rogue",
        claims("alice", "approver").build()));
    RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    refused.put("known key id, other key", signWith(new RSASSASigner(impostor),
        JWSAlgorithm.RS256, "rsa-1", claims("alice", "approver").build()));
    refused.put("alg none", new PlainJWT(claims("alice", "approver").build()).serialize());
    refused.put("HS256 keyed with the public key", signWith(
        new MACSigner(rsaKey.toRSAPublicKey().getEncoded()), JWSAlgorithm.HS256, "rsa-1",
        claims("alice", "approver").build()));
    refused.put("no exp", sign(JWSAlgorithm.RS256, new JWTClaimsSet.Builder().issuer(ISSUER)
        .audience(AUDIENCE).subject("alice").claim("roles", List.of("approver")).build()));

    for (Map.Entry<String, String> entry : refused.entrySet()) {
      HttpResponse<String> response = post(path, entry.getValue(), "{}");
      assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).as(entry.getKey())
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(get("/api/v1/holds", entry.getValue()).statusCode()).as(entry.getKey())
          .isEqualTo(401);
    }
    assertThat(get("/api/v1/holds/h_unknown", null).statusCode()).isEqualTo(401);
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void es256AndEdDsaTokensFromTheIssuerAreAccepted() throws Exception {
    startAgent("timeout: 5m");

    assertThat(get("/api/v1/holds", sign(JWSAlgorithm.ES256, claims("v", "viewer").build()))
        .statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/holds", signEd25519(claims("v", "viewer").build())).statusCode())
        .isEqualTo(200);
  }

  @Test
  void rolesDecideWhoMayReadAndWhoMayDecide() throws Exception {
    startAgent("timeout: 5m");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();

    assertThat(get("/api/v1/holds", token("nobody", "developer")).statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/holds/" + id + "/approve", token("viewer-1", "viewer"), "{}")
        .statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/holds/" + id + "/deny", token("viewer-1", "viewer"), "{}")
        .statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/holds/" + id, token("alice", "approver")).statusCode())
        .isEqualTo(200);
    assertThat(get("/api/v1/holds/h_0000", token("alice", "approver")).statusCode())
        .isEqualTo(404);
    assertThat(get("/api/v1/holds?state=bogus", token("alice", "approver")).statusCode())
        .isEqualTo(400);
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void theSenderCannotApproveItsOwnHold() throws Exception {
    startAgent("timeout: 5m");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();

    HttpResponse<String> response = post("/api/v1/holds/" + id + "/approve",
        token(SENDER, "approver"), "{}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("cannot approve its own hold");
    assertThat(awaitPendingHold().path("id").asText()).isEqualTo(id);
  }

  @Test
  void fourEyesNeedTwoDistinctApprovers() throws Exception {
    startAgent("timeout: 5m\n    min_approvals: 2");
    sendSpan("tool-call", "conv-1");
    String id = awaitPendingHold().path("id").asText();
    String path = "/api/v1/holds/" + id + "/approve";

    assertThat(post(path, token("alice", "approver"), "{}").statusCode()).isEqualTo(202);
    assertThat(post(path, token("alice", "approver"), "{}").statusCode()).isEqualTo(409);
    Thread.sleep(200);
    assertThat(backend.received()).isEmpty();
    assertThat(post(path, token("bob", "approver"), "{}").statusCode()).isEqualTo(200);
    backend.awaitItems(1, WAIT);
  }

  // ---- the agent

  private void startAgent(String approvalSettings) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), SENDER + ":" + SENDER_TOKEN + "\n");
    String yaml = """
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0 }
            auth:
              bearer_tokens_file: %s
        processors:
          secrets:
            fingerprint_key: approvals-end-to-end-key-0123
          approval:
            %s
        exporters:
          capture:
        extensions:
          admin:
            endpoint: 127.0.0.1:0
            auth:
              oidc:
                issuer: %s
                audience: %s
                jwks_uri: http://127.0.0.1:%d/jwks.json
                roles_claim: roles
                approver_roles: [approver]
                viewer_roles: [viewer]
        service:
          data_directory: %s
          extensions: [admin]
          pipelines:
            traces: { receivers: [otlp], processors: [secrets, approval], exporters: [capture] }
        """.formatted(tokens, approvalSettings, ISSUER, AUDIENCE,
        jwksServer.getAddress().getPort(), dir.resolve("data"));
    List<ComponentFactory> factories = new ArrayList<>(ComponentRegistry.load().all());
    factories.add(new ConsumerExporterFactory("capture", id -> backend));
    service = new io.tracewarden.core.pipeline.ServiceBuilder(ComponentRegistry.of(factories))
        .build(new ConfigLoader(System::getenv).parse(yaml, "approvals-e2e.yaml"));
    service.start();
    agentPort = ((OtlpReceiver) service.receivers().values().iterator().next()).httpPort();
    adminPort = ((AdminExtension) service.extensions().get(ComponentId.of("admin"))).port();
  }

  private void sendSpan(String name, String conversation) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + agentPort + "/v1/traces")
        .addHeader("Authorization", "Bearer " + SENDER_TOKEN).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
            "coding-agent")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    closeables.add(provider);
    Span span = provider.get("e2e").spanBuilder(name)
        .setAttribute("gen_ai.conversation.id", conversation)
        .setAttribute("tool.output", "GITHUB_TOKEN=" + Canaries.GITHUB_TOKEN)
        .startSpan();
    span.end();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
  }

  private JsonNode awaitPendingHold() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> response = get("/api/v1/holds?state=pending", token("v", "viewer"));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode holds = JSON.readTree(response.body()).path("holds");
      if (holds.size() > 0) {
        assertThat(holds.size()).isEqualTo(1);
        return holds.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no pending hold");
      }
      Thread.sleep(50);
    }
  }

  // ---- HTTP and CLI

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + adminPort + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + adminPort + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String[] cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Tracewarden.commandLine(new Tracewarden(name -> null, null));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(args);
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }

  // ---- tokens

  private String token(String subject, String role) throws Exception {
    return sign(JWSAlgorithm.RS256, claims(subject, role).build());
  }

  private static JWTClaimsSet.Builder claims(String subject, String role) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
        .claim("roles", List.of(role)).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  private String sign(JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
    if (algorithm.equals(JWSAlgorithm.ES256)) {
      return signWith(new ECDSASigner(ecKey), algorithm, "ec-1", claims);
    }
    return signWith(new RSASSASigner(rsaKey), algorithm, "rsa-1", claims);
  }

  private static String signWith(JWSSigner signer, JWSAlgorithm algorithm, String keyId,
      JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId)
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private String signEd25519(JWTClaimsSet claims) throws Exception {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed-1").build();
    String input = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(edKeys.getPrivate());
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64URL.encode(signature.sign());
  }
}
