package io.tracewarden.core.testing;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Well-formed fake secrets of kinds the built-in rule pack must catch. Tests plant them in
 * telemetry and then prove that none of them survives anywhere downstream.
 */
public final class Canaries {

  public static final String AWS_KEY_ID = "AKIAVQJXXVBOTHD2WTFL";
  public static final String GITHUB_TOKEN = "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";
  public static final String SLACK_TOKEN =
      "xoxb-237181064254-1452494403603-0IKmxJ3Z23N1CktYb4aYV0No";
  public static final String OPENAI_KEY = "sk-proj-7K56oCgvjHjkV3TvBl64y_UXQMPq-3ldFbaGiS7jpN_"
      + "XVFMsoZR9K02XFJh4TsqkZ3L4CF8sQoT3BlbkFJ0Bu9cfQQXZq7CjAAKR3WHt-rvwDQpvbFgjMXg-zKqCVmZm3hGf"
      + "Lvq0vZvzku5bKg53-QtFhD3R";
  public static final String ANTHROPIC_KEY = "sk-ant-api03-aaG6aysflPp5Dm3Qt_9jcdkKeS-xRiNMYfybwaf"
      + "EpC0ZLhpNFaipZhtuIHxm1qsNv1CN8duoyBtcIKVoHeQJlZK6Myjp1AA";
  public static final String POSTGRES_PASSWORD = "ltlTo9OJs4q7rne_NA";
  public static final String POSTGRES_URL =
      "postgres://app_rw:" + POSTGRES_PASSWORD + "@db.internal:5432/orders";
  public static final String STRIPE_KEY = "sk_live_NPWwekj7NwJqlcdsOdyJ2mgZUrm0lB263kCnr1Rp7Efzu"
      + "B7ekuDB08tvhgLti52LN8QPDbVB3RIdeAIt0bXqk6omgsyiLuTOz3T";

  private Canaries() {}

  /** The token-like canaries (each a secret as a whole). */
  public static List<String> tokens() {
    return List.of(AWS_KEY_ID, GITHUB_TOKEN, SLACK_TOKEN, OPENAI_KEY, ANTHROPIC_KEY, STRIPE_KEY);
  }

  /** A freshly generated RSA private key in PKCS#8 PEM, lines separated by {@code \n}. */
  public static String pemPrivateKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'})
          .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every distinctive piece of a PEM key's body, to check no part of it survived. */
  public static List<String> pemBodyLines(String pem) {
    return pem.lines().filter(line -> !line.startsWith("-----") && line.length() > 20).toList();
  }
}
