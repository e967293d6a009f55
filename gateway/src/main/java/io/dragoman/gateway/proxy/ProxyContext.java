package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;

/**
 * What every relayed request shares: the upstream pools, the large buffers fast bodies move to ({@link Pump}), the
 * listener, who may set forwarding headers, the shadow budget and the per-upstream retry and circuit-breaker state.
 */
record ProxyContext(
    ConnectionPools pools,
    ByteBufferPool largeBuffers,
    ProxyListener listener,
    TrustedProxies trustedProxies,
    Shadows shadows,
    UpstreamPolicies policies) {

  /** Default shadow limits and fresh policy state. */
  ProxyContext(
      ConnectionPools pools, ByteBufferPool largeBuffers, ProxyListener listener, TrustedProxies trustedProxies) {
    this(pools, largeBuffers, listener, trustedProxies,
        new Shadows(Shadows.DEFAULT_MAX_IN_FLIGHT, Shadows.DEFAULT_MAX_BODY_BYTES), new UpstreamPolicies());
  }
}
