package io.dragoman.gateway.source.kubernetes;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import io.dragoman.gateway.routing.SourceInfo;
import io.dragoman.gateway.source.ConfigStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Services, annotations and route-table summaries shared by the Kubernetes source tests. */
final class K8sFixtures {
  private K8sFixtures() {}

  /** The store as the app builds it: the real parser and table builder. */
  static ConfigStore realStore(ParserSettings parser) {
    return new ConfigStore(
        new MappingParser(parser), new RouteTableBuilder(Clock.systemUTC()), Clock.systemUTC());
  }

  static ConfigStore realStore() {
    return realStore(ParserSettings.DEFAULTS);
  }

  static String mapping(String name, String prefix, String service) {
    return """
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        name: %s
        prefix: %s
        service: %s
        """
        .formatted(name, prefix, service);
  }

  static Service service(String name, String namespace, Map<String, String> labels, String annotation) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withPort(80)
            .endPort()
            .endSpec();
    if (annotation != null) {
      b.editMetadata().addToAnnotations(ServiceSources.ANNOTATION, annotation).endMetadata();
    }
    return b.build();
  }

  static Service annotated(String name, String namespace, String annotation) {
    return service(name, namespace, Map.of(), annotation);
  }

  static ServiceList list(String resourceVersion, Service... items) {
    List<Service> versioned = new ArrayList<>();
    for (Service s : items) {
      versioned.add(new ServiceBuilder(s).editMetadata().withResourceVersion(resourceVersion).endMetadata().build());
    }
    return new ServiceListBuilder()
        .withNewMetadata()
        .withResourceVersion(resourceVersion)
        .endMetadata()
        .withItems(versioned)
        .build();
  }

  /** Each route as {@code namespace/name prefix -> service}, in match order. */
  static List<String> routes(RouteTable table) {
    List<String> out = new ArrayList<>();
    for (RouteGroup g : table.groups()) {
      for (Route r : g.members()) {
        out.add(
            r.mapping().namespace() + "/" + r.mapping().name() + " " + g.match().prefix() + " -> "
                + r.mapping().service().raw());
      }
    }
    return out;
  }

  /** Each source as {@code key (namespace): objects}. */
  static List<String> sources(RouteTable table) {
    List<String> out = new ArrayList<>();
    for (SourceInfo s : table.sources()) {
      out.add(s.key() + " (" + s.namespace() + "): " + s.objects());
    }
    return out;
  }
}
