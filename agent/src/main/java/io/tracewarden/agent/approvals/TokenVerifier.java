package io.tracewarden.agent.approvals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies an OIDC bearer token: a JWS signed with RS256, ES256 (P-256) or EdDSA (Ed25519) by a
 * key of the issuer's JWKS, with the configured {@code iss}, an {@code aud} containing the
 * configured audience, an {@code exp} in the future and any {@code nbf} in the past (60 s skew).
 *
 * <p>The algorithm is never taken on trust: {@code none}, every HMAC algorithm (including HS256
 * "keyed" with a public key) and anything else outside the three above are refused before a key
 * is looked at, and the key must be of the type the algorithm requires. EdDSA is verified with
 * the JDK's Ed25519, so no extra crypto library is needed.
 *
 * <p>Failure messages are safe to log: they never quote the token.
 */
public final class TokenVerifier {

  static final Set<JWSAlgorithm> ALLOWED =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final OidcConfig config;
  private final JWKSource<SecurityContext> keys;
  private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;

  TokenVerifier(OidcConfig config, JWKSource<SecurityContext> keys) {
    this.config = Objects.requireNonNull(config, "config");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.claimsVerifier = new DefaultJWTClaimsVerifier<>(config.audience(),
        new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("exp"));
  }

  /** Loads the key set (a file now; a URL lazily, cached and refreshed on an unknown key id). */
  public static TokenVerifier create(OidcConfig config) throws IOException {
    JWKSource<SecurityContext> keys;
    if (config.jwksFile() != null) {
      try {
        keys = new ImmutableJWKSet<>(JWKSet.load(config.jwksFile().toFile()));
      } catch (ParseException e) {
        throw new IOException("jwks_file " + config.jwksFile() + " is not a JWK set", e);
      }
    } else {
      keys = JWKSourceBuilder.create(config.jwksUri().toURL()).retrying(true).build();
    }
    return new TokenVerifier(config, keys);
  }

  /** Verifies {@code token} (without the {@code Bearer } prefix) and returns who it names. */
  public Identity verify(String token) throws InvalidTokenException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException("unsigned or encrypted token");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm algorithm = header.getAlgorithm();
    if (!ALLOWED.contains(algorithm)) {
      throw new InvalidTokenException("algorithm " + algorithm + " is not accepted");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new InvalidTokenException("critical header parameters are not supported");
    }
    if (!signatureVerifies(signed, header, algorithm)) {
      throw new InvalidTokenException("signature does not verify with any key of the issuer");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
      claimsVerifier.verify(claims, null);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed claims");
    } catch (BadJWTException e) {
      throw new InvalidTokenException("claims rejected: " + e.getMessage());
    }
    Object principal = claim(claims.getClaims(), config.principalClaim());
    if (!(principal instanceof String name) || name.isBlank()) {
      throw new InvalidTokenException("no '" + config.principalClaim() + "' claim");
    }
    return new Identity(name, roles(claim(claims.getClaims(), config.rolesClaim())));
  }

  private boolean signatureVerifies(SignedJWT jwt, JWSHeader header, JWSAlgorithm algorithm)
      throws InvalidTokenException {
    JWKMatcher.Builder matcher = new JWKMatcher.Builder()
        .keyUses(KeyUse.SIGNATURE, null)
        .algorithms(algorithm, null)
        .publicOnly(true);
    if (algorithm.equals(JWSAlgorithm.RS256)) {
      matcher.keyType(KeyType.RSA);
    } else if (algorithm.equals(JWSAlgorithm.ES256)) {
      matcher.keyType(KeyType.EC).curve(Curve.P_256);
    } else {
      matcher.keyType(KeyType.OKP).curve(Curve.Ed25519);
    }
    if (header.getKeyID() != null) {
      matcher.keyID(header.getKeyID());
    }
    List<JWK> candidates;
    try {
      candidates = keys.get(new JWKSelector(matcher.build()), null);
    } catch (Exception e) {
      throw new InvalidTokenException("the issuer's keys are unavailable");
    }
    for (JWK key : candidates) {
      try {
        boolean ok;
        if (key instanceof RSAKey rsa) {
          ok = jwt.verify(new RSASSAVerifier(rsa));
        } else if (key instanceof ECKey ec) {
          ok = jwt.verify(new ECDSAVerifier(ec));
        } else if (key instanceof OctetKeyPair okp) {
          ok = verifyEd25519(jwt, okp);
        } else {
          ok = false;
        }
        if (ok) {
          return true;
        }
      } catch (JOSEException | IllegalStateException | GeneralSecurityException e) {
        // Try the next key; a key that cannot verify is no key.
      }
    }
    return false;
  }

  private static boolean verifyEd25519(SignedJWT jwt, OctetKeyPair key)
      throws GeneralSecurityException {
    byte[] x = key.getDecodedX();
    if (x.length != 32) {
      return false;
    }
    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
    PublicKey publicKey = KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(spki));
    Signature signature = Signature.getInstance("Ed25519");
    signature.initVerify(publicKey);
    signature.update(jwt.getSigningInput());
    return signature.verify(jwt.getSignature().decode());
  }

  /** Walks {@code a.b.c} into nested objects; a claim whose full name has dots wins. */
  private static Object claim(Map<String, Object> claims, String name) {
    if (claims.containsKey(name)) {
      return claims.get(name);
    }
    Object current = claims;
    for (String part : name.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  private static Set<String> roles(Object value) {
    Set<String> roles = new LinkedHashSet<>();
    if (value instanceof String text) {
      for (String role : text.split("[\\s,]+")) {
        if (!role.isEmpty()) {
          roles.add(role);
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : new ArrayList<>(list)) {
        if (item instanceof String role) {
          roles.add(role);
        }
      }
    }
    return roles;
  }

  /** Who a verified token names, and their roles. */
  public record Identity(String principal, Set<String> roles) {

    public Identity {
      roles = Set.copyOf(roles);
    }
  }

  /** The token is missing, malformed, forged, expired or not for us: HTTP 401. */
  public static final class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }
}
