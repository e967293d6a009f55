package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.Route;
import io.undertow.util.AttachmentKey;

/** What the proxy records on an exchange for the access log and metrics. */
final class ProxyAttachments {
  static final AttachmentKey<Failure> FAILURE = AttachmentKey.create(Failure.class);
  static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);
  static final AttachmentKey<String> REQUEST_ID = AttachmentKey.create(String.class);
  static final AttachmentKey<String> UPSTREAM = AttachmentKey.create(String.class);
  static final AttachmentKey<String> PATH = AttachmentKey.create(String.class);

  private ProxyAttachments() {}
}
