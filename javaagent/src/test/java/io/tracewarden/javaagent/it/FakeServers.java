package io.tracewarden.javaagent.it;

/**
 * Starts the fake model and the OTLP receiver until killed, for manual runs and the overhead
 * measurement in docs/javaagent.md. Prints {@code MODEL <baseUrl>}, {@code ANTHROPIC <rootUrl>}
 * and {@code OTLP <endpoint>}.
 */
public final class FakeServers {

  private FakeServers() {}

  public static void main(String[] args) throws Exception {
    FakeModelServer model = new FakeModelServer();
    OtlpReceiver otlp = new OtlpReceiver(false);
    System.out.println("MODEL " + model.baseUrl());
    System.out.println("ANTHROPIC " + model.rootUrl());
    System.out.println("OTLP " + otlp.endpoint());
    System.out.flush();
    Thread.currentThread().join();
  }
}
