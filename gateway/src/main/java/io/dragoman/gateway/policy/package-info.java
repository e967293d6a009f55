/**
 * Traffic policies as pure decisions: CORS answers, local rate limits, redirect targets, retry and back-off choices,
 * circuit-breaker counters. Nothing here touches a socket or the Kubernetes API; the proxy asks and acts.
 */
package io.dragoman.gateway.policy;
