package io.tracewarden.javaagent.sample;

/** Fake secrets (valid-looking, never real) and the fake model's canned answer. */
public final class Planted {

  public static final String GITHUB_TOKEN = "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";
  public static final String AWS_KEY_ID = "AKIAVQJXXVBOTHD2WTFL";
  public static final String POSTGRES_URL =
      "postgres://app_rw:ltlTo9OJs4q7rne_NA@db.internal:5432/orders";
  /** The secret part of {@link #POSTGRES_URL}: this is what must never leave the process. */
  public static final String POSTGRES_PASSWORD = "ltlTo9OJs4q7rne_NA";

  public static final String MODEL = "gpt-4o-mini";
  public static final String RESPONSE_ID = "chatcmpl-tw0001";
  public static final String TOOL_CALL_ID = "call_tw42";
  public static final String TOOL_NAME = "open_pull_request";
  public static final String SYSTEM_PROMPT = "You are the release assistant of the orders team.";
  public static final String USER_PROMPT =
      "Deploy the orders service; the CI key is " + AWS_KEY_ID + ".";
  public static final String REASONING =
      "The user pasted an AWS key " + AWS_KEY_ID + "; I will open a pull request instead.";
  public static final String CONTENT =
      "Opening a pull request. The service reads " + POSTGRES_URL + " at start.";
  public static final String TOOL_ARGUMENTS =
      "{\"repo\":\"acme/orders\",\"token\":\"" + GITHUB_TOKEN + "\"}";

  private Planted() {}
}
