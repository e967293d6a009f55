package io.dragoman.gateway.proxy;

/** What every relayed request shares: the upstream pools, the listener, who may set forwarding headers. */
record ProxyContext(ConnectionPools pools, ProxyListener listener, TrustedProxies trustedProxies) {}
