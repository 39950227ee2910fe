package io.tracewarden.agent.approvals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.tracewarden.agent.approvals.TokenVerifier.Identity;
import io.tracewarden.agent.approvals.TokenVerifier.InvalidTokenException;
import io.tracewarden.processors.approval.Decision;
import io.tracewarden.processors.approval.DecisionResult;
import io.tracewarden.processors.approval.HoldDetail;
import io.tracewarden.processors.approval.HoldFinding;
import io.tracewarden.processors.approval.HoldState;
import io.tracewarden.processors.approval.HoldStore;
import io.tracewarden.processors.approval.HoldSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holds API, mounted on the admin extension at {@value #PREFIX}:
 *
 * <pre>
 * GET  /api/v1/holds?state=pending|approved|denied|expired   viewer or approver
 * GET  /api/v1/holds/{id}                                    viewer or approver
 * POST /api/v1/holds/{id}/approve   {"reason": "..."}        approver
 * POST /api/v1/holds/{id}/deny      {"reason": "..."}        approver
 * </pre>
 *
 * <p>Every request needs {@code Authorization: Bearer <JWT>} (401 otherwise), authenticated
 * before anything else is looked at, so ids cannot be probed. A missing role is 403; so is
 * approving a hold of one's own telemetry. A decision on a decided hold, or a second approval by
 * the same person, is 409.
 */
public final class HoldsApi implements HttpService {

  public static final String PREFIX = "/api/v1/holds";
  static final int MAX_REASON = 1024;
  private static final Logger logger = LoggerFactory.getLogger(HoldsApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<TokenVerifier> verifier;
  private final OidcConfig config;
  private final Supplier<List<HoldStore>> stores;

  /**
   * @param verifier the token verifier, or a supplier returning null until it is ready
   * @param stores the hold stores registered right now
   */
  public HoldsApi(OidcConfig config, Supplier<TokenVerifier> verifier,
      Supplier<List<HoldStore>> stores) {
    this.config = Objects.requireNonNull(config, "config");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    // Token checks may fetch the issuer's keys: keep them off the event loop.
    return HttpResponse.of(req.aggregate().thenApplyAsync(
        aggregated -> handle(ctx, aggregated), ctx.blockingTaskExecutor()));
  }

  private HttpResponse handle(ServiceRequestContext ctx, AggregatedHttpRequest req) {
    Identity identity;
    try {
      identity = authenticate(req);
    } catch (InvalidTokenException e) {
      logger.info("holds API: token refused ({})", e.getMessage());
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
          .add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tracewarden\"")
          .contentType(MediaType.JSON_UTF_8).build(),
          com.linecorp.armeria.common.HttpData.ofUtf8(error("invalid or missing bearer token")));
    }
    boolean approver = identity.roles().stream().anyMatch(config.approverRoles()::contains);
    boolean viewer = approver
        || identity.roles().stream().anyMatch(config.viewerRoles()::contains);
    if (!viewer) {
      return json(HttpStatus.FORBIDDEN, error("no viewer or approver role"));
    }
    String rest = ctx.path().substring(PREFIX.length());
    if (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    String[] parts = rest.isEmpty() ? new String[0] : rest.split("/", -1);
    HttpMethod method = req.method();
    if (parts.length == 0) {
      return method == HttpMethod.GET ? list(ctx) : notAllowed();
    }
    if (parts.length == 1) {
      return method == HttpMethod.GET ? show(parts[0]) : notAllowed();
    }
    if (parts.length == 2 && (parts[1].equals("approve") || parts[1].equals("deny"))) {
      if (method != HttpMethod.POST) {
        return notAllowed();
      }
      if (!approver) {
        return json(HttpStatus.FORBIDDEN, error("approver role required"));
      }
      return decide(parts[0], parts[1].equals("approve"), identity, req);
    }
    return json(HttpStatus.NOT_FOUND, error("not found"));
  }

  private Identity authenticate(AggregatedHttpRequest req) throws InvalidTokenException {
    String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new InvalidTokenException("no bearer token");
    }
    TokenVerifier current = verifier.get();
    if (current == null) {
      throw new InvalidTokenException("token verification is not ready");
    }
    return current.verify(header.substring(7).trim());
  }

  private HttpResponse list(ServiceRequestContext ctx) {
    String stateParam = ctx.queryParam("state");
    HoldState state = null;
    if (stateParam != null && !stateParam.isEmpty()) {
      state = HoldState.parseOrNull(stateParam);
      if (state == null) {
        return json(HttpStatus.BAD_REQUEST,
            error("state must be pending, approved, denied or expired"));
      }
    }
    List<HoldSummary> all = new ArrayList<>();
    for (HoldStore store : stores.get()) {
      all.addAll(store.holds(state));
    }
    all.sort(Comparator.comparing(HoldSummary::createdAt));
    List<Map<String, Object>> holds = new ArrayList<>();
    all.forEach(h -> holds.add(summary(h)));
    return json(HttpStatus.OK, write(Map.of("holds", holds)));
  }

  private HttpResponse show(String id) {
    for (HoldStore store : stores.get()) {
      Optional<HoldDetail> detail = store.hold(id);
      if (detail.isPresent()) {
        return json(HttpStatus.OK, write(detail(detail.get())));
      }
    }
    return json(HttpStatus.NOT_FOUND, error("no such hold"));
  }

  private HttpResponse decide(String id, boolean approve, Identity identity,
      AggregatedHttpRequest req) {
    String reason = "";
    String body = req.contentUtf8();
    if (!body.isBlank()) {
      try {
        JsonNode node = JSON.readTree(body);
        if (node == null || !node.isObject()) {
          return json(HttpStatus.BAD_REQUEST, error("body must be a JSON object"));
        }
        JsonNode reasonNode = node.get("reason");
        if (reasonNode != null && !reasonNode.isNull()) {
          if (!reasonNode.isTextual()) {
            return json(HttpStatus.BAD_REQUEST, error("reason must be a string"));
          }
          reason = reasonNode.asText();
        }
      } catch (Exception e) {
        return json(HttpStatus.BAD_REQUEST, error("body must be JSON"));
      }
    }
    if (reason.length() > MAX_REASON) {
      return json(HttpStatus.BAD_REQUEST, error("reason is longer than " + MAX_REASON));
    }
    Decision decision = new Decision(identity.principal(), approve, reason);
    for (HoldStore store : stores.get()) {
      DecisionResult result = store.decide(id, decision);
      switch (result.outcome()) {
        case NOT_FOUND -> {
          continue;
        }
        case ALREADY_DECIDED -> {
          return json(HttpStatus.CONFLICT, error("hold is already " + result.hold().state().id()));
        }
        case DUPLICATE_APPROVER -> {
          return json(HttpStatus.CONFLICT, error("you already approved this hold; "
              + "another approver is needed"));
        }
        case OWN_HOLD -> {
          return json(HttpStatus.FORBIDDEN, error("the sender of the telemetry cannot approve "
              + "its own hold"));
        }
        case APPROVAL_RECORDED -> {
          return json(HttpStatus.ACCEPTED, write(summary(result.hold())));
        }
        case APPROVED, DENIED -> {
          return json(HttpStatus.OK, write(summary(result.hold())));
        }
        default -> throw new IllegalStateException(result.outcome().name());
      }
    }
    return json(HttpStatus.NOT_FOUND, error("no such hold"));
  }

  // ---- JSON

  static Map<String, Object> summary(HoldSummary hold) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", hold.id());
    out.put("state", hold.state().id());
    out.put("component", hold.component());
    out.put("created_at", hold.createdAt().toString());
    out.put("decided_at", hold.decidedAt() == null ? null : hold.decidedAt().toString());
    out.put("session", hold.session());
    out.put("principal", hold.principal());
    out.put("service", hold.service());
    out.put("signal", hold.signal());
    out.put("records", hold.records());
    out.put("reasons", hold.reasons());
    out.put("rules", hold.rules());
    out.put("severities", hold.severities());
    out.put("approvals", hold.approvals());
    out.put("required_approvals", hold.requiredApprovals());
    out.put("outcome", hold.outcome());
    return out;
  }

  private static Map<String, Object> detail(HoldDetail detail) {
    Map<String, Object> out = summary(detail.summary());
    List<Map<String, Object>> findings = new ArrayList<>();
    for (HoldFinding finding : detail.findings()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("rule", finding.rule());
      f.put("severity", finding.severity());
      f.put("path", finding.path());
      f.put("fingerprint", finding.fingerprint());
      findings.add(f);
    }
    out.put("findings", findings);
    List<Map<String, Object>> decisions = new ArrayList<>();
    for (HoldDetail.DecisionRecord record : detail.decisions()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("approver", record.approver());
      d.put("decision", record.approve() ? "approve" : "deny");
      d.put("reason", record.reason());
      d.put("at", record.at().toString());
      decisions.add(d);
    }
    out.put("decisions", decisions);
    out.put("preview", detail.preview());
    out.put("preview_truncated", detail.previewTruncated());
    return out;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static String error(String message) {
    return write(Map.of("error", message));
  }

  private static HttpResponse json(HttpStatus status, String body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body);
  }

  private static HttpResponse notAllowed() {
    return json(HttpStatus.METHOD_NOT_ALLOWED, error("method not allowed"));
  }
}
