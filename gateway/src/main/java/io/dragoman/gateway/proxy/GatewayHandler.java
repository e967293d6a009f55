package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The public listener's only handler: normalise, match against the current table (read once per request), pick a
 * canary member, relay. Runs on the I/O thread and never blocks.
 */
final class GatewayHandler implements HttpHandler {

  private final Supplier<RouteTable> table;
  private final ProxyContext context;
  private final long defaultMaxBody;
  private final AccessLog accessLog;
  private final RoutePolicies policies = new RoutePolicies(System::nanoTime, 100_000);
  private final Drain drain = new Drain();

  GatewayHandler(Supplier<RouteTable> table, ProxyContext context, long defaultMaxBody, AccessLog accessLog) {
    this.table = table;
    this.context = context;
    this.defaultMaxBody = defaultMaxBody;
    this.accessLog = accessLog;
  }

  @Override
  public void handleRequest(HttpServerExchange undertow) {
    handle(new UndertowExchange(undertow));
  }

  /** Serves one request, whichever server read it. */
  void handle(DownstreamExchange exchange) {
    if (!drain.admit(exchange)) return;
    long start = System.nanoTime();
    exchange.attach(ProxyAttachments.REQUEST_ID, requestId());
    exchange.onComplete(() -> completed(exchange, start));

    String path;
    try {
      if (!exchange.headMeetsGuard()) RequestGuard.check(exchange);
      path = PathNormalizer.normalize(rawPath(exchange));
    } catch (BadRequestException e) {
      ErrorResponses.send(exchange, e.failure(), e.getMessage());
      return;
    }
    exchange.attach(ProxyAttachments.PATH, path);

    RouteTable current = table.get();
    RouteGroup group = current.match(new ExchangeRequestView(exchange, path));
    if (group == null) {
      ErrorResponses.send(exchange, Failure.NO_ROUTE, "no route for " + exchange.method() + " " + path);
      return;
    }
    Route route = group.pick(ThreadLocalRandom.current().nextDouble());
    exchange.attach(ProxyAttachments.ROUTE, route);
    if (route.mapping().policies().redirect().isPresent()) {
      PolicyAnswers.redirect(exchange, route, path);
      return;
    }
    RoutePolicies.Extras extras = policies.of(current, route);
    if (extras != RoutePolicies.Extras.NONE && PolicyAnswers.answered(exchange, extras)) return;

    long maxBody = route.mapping().forward().maxRequestBodyBytes().orElse(defaultMaxBody);
    exchange.setMaxEntitySize(maxBody);
    if (exchange.requestContentLength() > maxBody) {
      ErrorResponses.send(exchange, Failure.BODY_TOO_LARGE, "request body larger than " + maxBody + " bytes");
      return;
    }
    String query = exchange.queryString();
    String forwardPath = route.forwardPath(path, query == null ? "" : query);
    relay(exchange, new ProxyExchange(exchange, route, forwardPath, group.shadows(), context));
  }

  /** Dispatching keeps the exchange open after the handler returns; the relay ends it. */
  private static void relay(DownstreamExchange exchange, ProxyExchange relay) {
    if (exchange.expectsContinue()) {
      // The body fits the route's limit (checked before): tell the client to send it. The gateway answers
      // 100-continue itself, as Envoy does, so the upstream sees an ordinary request.
      exchange.dispatch(() -> exchange.sendContinue(() -> {
        exchange.requestHeaders().remove(Headers.EXPECT);
        relay.start();
      }, exchange::closeConnection));
      return;
    }
    if (!exchange.isUpgrade() && !exchange.requestHeaders().contains(Headers.UPGRADE)) {
      exchange.keepReadsRegistered();
    }
    exchange.dispatch(relay::start);
  }

  /** Refuses new requests from now on (503); those in flight go on. */
  void shutdown() {
    drain.shutdown();
  }

  /** Waits up to {@code ms} for the requests in flight to finish; true if all did. */
  boolean awaitShutdown(long ms) throws InterruptedException {
    return drain.await(ms);
  }

  private void completed(DownstreamExchange exchange, long start) {
    long end = System.nanoTime();
    Route route = exchange.attachment(ProxyAttachments.ROUTE);
    context.listener().requestCompleted(
        route == null ? "" : route.mapping().name(),
        route == null ? "" : route.mapping().namespace(),
        exchange.method().toString(),
        exchange.statusCode(),
        (end - start) / 1e9);
    accessLog.log(exchange, start, end);
  }

  /**
   * The path as the client sent it. Undertow's request path has path parameters ({@code ;x}) cut out, which would
   * hide them from the refusal; the request URI keeps them. Absolute-form targets route on their path only.
   */
  private static String rawPath(DownstreamExchange exchange) {
    String uri = exchange.requestUri();
    if (exchange.isAbsoluteTarget()) {
      int scheme = uri.indexOf("://");
      int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xf000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L; // IETF variant
    return new UUID(hi, lo).toString();
  }
}
