package io.tracewarden.agent.approvals;

import io.tracewarden.core.config.ConfigSection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code extensions.admin.auth.oidc}: how the admin API verifies bearer tokens. Read at config
 * time without touching files or the network; the key set is loaded at start.
 *
 * @param issuer the exact {@code iss} required
 * @param audience an {@code aud} value required
 * @param jwksUri where the issuer publishes its keys (https, or http on a loopback address), or
 *     null
 * @param jwksFile a local JWKS file, or null; exactly one of the two is set
 * @param rolesClaim the claim holding roles (a list, or one string); dots walk into nested objects
 *     such as {@code realm_access.roles}
 * @param approverRoles roles that may decide (and read)
 * @param viewerRoles roles that may read
 * @param principalClaim the claim naming the approver, compared with the telemetry's sender
 */
public record OidcConfig(
    String issuer,
    String audience,
    URI jwksUri,
    Path jwksFile,
    String rolesClaim,
    Set<String> approverRoles,
    Set<String> viewerRoles,
    String principalClaim) {

  public OidcConfig {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(rolesClaim, "rolesClaim");
    Objects.requireNonNull(principalClaim, "principalClaim");
    approverRoles = Set.copyOf(approverRoles);
    viewerRoles = Set.copyOf(viewerRoles);
    if ((jwksUri == null) == (jwksFile == null)) {
      throw new IllegalArgumentException("exactly one of jwksUri and jwksFile");
    }
  }

  /** Reads the {@code oidc} section; problems are config errors naming the key. */
  public static OidcConfig from(ConfigSection oidc) {
    String issuer = oidc.requiredString("issuer");
    String audience = oidc.requiredString("audience");
    URI jwksUri = oidc.string("jwks_uri").map(uri -> parseJwksUri(oidc, uri)).orElse(null);
    Path jwksFile = oidc.string("jwks_file").map(Path::of).orElse(null);
    if ((jwksUri == null) == (jwksFile == null)) {
      throw oidc.error(jwksUri == null ? "jwks_uri" : "jwks_file",
          "give exactly one of jwks_uri and jwks_file");
    }
    String rolesClaim = oidc.string("roles_claim", "roles");
    List<String> approvers = oidc.stringList("approver_roles");
    if (approvers.isEmpty()) {
      throw oidc.error("approver_roles", "is required: the roles that may approve or deny");
    }
    List<String> viewers = oidc.stringList("viewer_roles");
    String principalClaim = oidc.string("principal_claim", "sub");
    return new OidcConfig(issuer, audience, jwksUri, jwksFile, rolesClaim, Set.copyOf(approvers),
        Set.copyOf(viewers), principalClaim);
  }

  private static URI parseJwksUri(ConfigSection oidc, String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw oidc.error("jwks_uri", "is not a valid URL");
    }
    if (uri.getHost() == null) {
      throw oidc.error("jwks_uri", "must be an https URL");
    }
    if ("https".equals(uri.getScheme())) {
      return uri;
    }
    if ("http".equals(uri.getScheme()) && isLoopback(uri.getHost())) {
      return uri;
    }
    throw oidc.error("jwks_uri", "must be https (plain http only on a loopback address)");
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // never resolve names at config time
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
