package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@link Notice}s as core/v1 Events on the Service, so {@code kubectl describe service} shows them. A
 * notice equal to the last one recorded for the same Service is not recorded again: resyncs would otherwise repeat
 * every warning every few minutes.
 */
final class EventRecorder {
  static final String COMPONENT = "dragoman-kubeflow";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String host;
  private final Map<String, Notice> last = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  EventRecorder(KubernetesClient client, Clock clock, String host) {
    this.client = client;
    this.clock = clock;
    this.host = host;
  }

  void record(Service service, Notice notice) {
    String key = ServiceController.key(service);
    if (notice.equals(last.put(key, notice))) return;
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String name = service.getMetadata().getName() + "."
        + Long.toHexString(clock.millis()) + Long.toHexString(sequence.incrementAndGet());
    Event event = new EventBuilder()
        .withNewMetadata()
            .withName(name)
            .withNamespace(service.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("Service")
            .withName(service.getMetadata().getName())
            .withNamespace(service.getMetadata().getNamespace())
            .withUid(service.getMetadata().getUid())
            .withResourceVersion(service.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(notice.type())
        .withReason(notice.reason())
        .withMessage(notice.message())
        .withNewSource().withComponent(COMPONENT).withHost(host).endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(host)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(service.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is advice for people; failing to write one must not stop the routing.
      log.warn("could not record event {} on service {}: {}", notice.reason(), key, e.getMessage());
    }
    log.info("service {}: {} {}: {}", key, notice.type(), notice.reason(), notice.message());
  }

  void forget(String serviceKey) {
    last.remove(serviceKey);
  }
}
