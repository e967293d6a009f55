package io.dragoman.gateway.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code java -jar dragoman-gateway.jar}: parse options, start, drain on SIGTERM and exit 0. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Undertow and XNIO log through JBoss Logging: send it to SLF4J so there is one log pipeline.
    System.setProperty("org.jboss.logging.provider", "slf4j");
    long t0 = System.nanoTime();
    GatewayConfig config;
    try {
      config = GatewayConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("dragoman: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.help()) {
      System.out.print(GatewayConfig.USAGE);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    Gateway gateway = new Gateway(config);
    try {
      gateway.start();
    } catch (Exception e) {
      log.error("dragoman: cannot start: {}", e.getMessage());
      gateway.close();
      System.exit(1);
      return;
    }
    log.info("ready in {} ms: routes on :{}, admin on {}:{} (diagnostics: /ambassador/v0/diag/)",
        (System.nanoTime() - t0) / 1_000_000, gateway.port(), config.adminAddress(), gateway.adminPort());

    // SIGTERM is how Kubernetes asks a pod to stop: drain, then exit 0 (the JVM's default would be 143 mid-request).
    Signal.handle(new Signal("TERM"), sig -> stop(gateway));
    Signal.handle(new Signal("INT"), sig -> stop(gateway));
  }

  private static void stop(Gateway gateway) {
    Thread t = new Thread(() -> {
      gateway.shutdownGracefully();
      System.exit(0);
    }, "dragoman-shutdown");
    t.start();
  }
}
