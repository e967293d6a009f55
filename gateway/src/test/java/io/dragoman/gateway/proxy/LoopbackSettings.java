package io.dragoman.gateway.proxy;

/** The settings every proxy test starts from: a gateway on 127.0.0.1, any free port, a chosen number of I/O threads. */
final class LoopbackSettings {
  private LoopbackSettings() {}

  static ProxySettings of(int ioThreads, AccessLog.Format accessLog) {
    return ProxySettings.defaults(0).withBindAddress("127.0.0.1").withIoThreads(ioThreads).withAccessLog(accessLog);
  }

  /** One I/O thread (every connection on the same one, so ordering is deterministic), no access log. */
  static ProxySettings quiet() {
    return of(1, AccessLog.Format.OFF);
  }
}
