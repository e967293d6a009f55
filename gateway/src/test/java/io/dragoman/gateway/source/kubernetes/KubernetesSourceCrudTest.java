package io.dragoman.gateway.source.kubernetes;

import static io.dragoman.gateway.source.kubernetes.K8sFixtures.annotated;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.mapping;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.realStore;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.routes;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.service;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.sources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.Skipped;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.source.ConfigStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source against the CRUD mock API server: real lists and watches, asserted on the route table. */
class KubernetesSourceCrudTest {
  private static final Duration WITHIN = Duration.ofSeconds(5);

  private KubernetesMockServer server;
  private KubernetesClient client;
  private ConfigStore store;
  private KubernetesSource source;

  @BeforeEach
  void startServer() {
    server = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
  }

  /**
   * The CRUD mock, once its client has closed a watch first, can block its own shutdown for up to a minute
   * (pending watch emits on its executor) and then fails "Unable to close MockWebServer": nothing here needs that
   * wait, so the server stops in the background.
   */
  @AfterEach
  void close() {
    if (source != null) source.close();
    if (store != null) store.close();
    client.close();
    KubernetesMockServer s = server;
    CompletableFuture.runAsync(s::destroy);
  }

  private void start(KubernetesSourceSettings settings, ParserSettings parser) {
    store = realStore(parser);
    source = new KubernetesSource(client, settings, store);
    source.start();
    source.firstSync().orTimeout(WITHIN.toSeconds(), TimeUnit.SECONDS).join();
  }

  private void start(KubernetesSourceSettings settings) {
    start(settings, ParserSettings.DEFAULTS);
  }

  private void startClusterWide() {
    start(KubernetesSourceSettings.clusterWide("ambassador"));
  }

  private Service create(Service s) {
    return client.services().inNamespace(s.getMetadata().getNamespace()).resource(s).create();
  }

  private void awaitRoutes(String... expected) {
    await().atMost(WITHIN).untilAsserted(() -> assertThat(routes(store.table())).containsExactly(expected));
  }

  @Test
  void theFirstListIsLiveInTheTableWhenSynced() {
    create(annotated("quote", "default", mapping("quote", "/quote/", "quote.default:8080")));
    create(service("plain", "default", Map.of("app", "plain"), null));

    startClusterWide();

    // No waiting: synced means the table already serves the list, and Services without the annotation are absent.
    assertThat(source.synced()).isTrue();
    assertThat(routes(store.table())).containsExactly("default/quote /quote/ -> quote.default:8080");
    assertThat(sources(store.table())).containsExactly("quote.default (default): 1");
    assertThat(source.lists()).isEqualTo(1);
    assertThat(source.healthy()).isTrue();
  }

  @Test
  void createEditAndDeleteChangeTheRoutes() {
    startClusterWide();
    assertThat(routes(store.table())).isEmpty();

    create(annotated("quote", "shop", mapping("quote", "/quote/", "quote.shop:8080")));
    // The first watch event of a cold JVM can take over a second on a busy CI machine; the one-second promise is
    // checked warm in GatewayKubernetesTest and measured by PropagationBenchmark.
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(routes(store.table())).containsExactly("shop/quote /quote/ -> quote.shop:8080"));

    client.services().inNamespace("shop").withName("quote")
        .edit(s -> annotated("quote", "shop", mapping("quote", "/quotes/v2/", "quote-v2.shop:8080")));
    awaitRoutes("shop/quote /quotes/v2/ -> quote-v2.shop:8080");

    client.services().inNamespace("shop").withName("quote").delete();
    awaitRoutes();
    assertThat(store.table().sources()).isEmpty();
  }

  @Test
  void removingOnlyTheAnnotationRemovesTheRoutes() {
    create(annotated("quote", "default", mapping("quote", "/quote/", "quote.default:8080")));
    startClusterWide();
    assertThat(routes(store.table())).hasSize(1);

    // A JSON patch "remove", as kubectl annotate getambassador.io/config- does.
    client.services().inNamespace("default").withName("quote").edit(s -> {
      s.getMetadata().getAnnotations().remove(ServiceSources.ANNOTATION);
      return s;
    });

    awaitRoutes();
    assertThat(store.table().sources()).isEmpty();
    assertThat(client.services().inNamespace("default").withName("quote").get()).isNotNull();
  }

  @Test
  void aBrokenAnnotationShowsItsErrorWhileTheOthersRoute() {
    create(annotated("quote", "default", mapping("quote", "/quote/", "quote.default:8080")));
    startClusterWide();

    create(annotated("broken", "shop", """
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        prefix: /broken/
        """));
    create(annotated("garbled", "shop", "kind: Mapping\nprefix: [/unclosed\n"));
    create(annotated("stock", "shop", mapping("stock", "/stock/", "stock.shop:80")));

    awaitRoutes("default/quote /quote/ -> quote.default:8080", "shop/stock /stock/ -> stock.shop:80");
    await().atMost(WITHIN).untilAsserted(() -> assertThat(store.table().errors())
        .extracting(ConfigError::source, ConfigError::object, ConfigError::field)
        .containsExactly(
            tuple("broken.shop", "broken.shop.1", "name"),
            tuple("broken.shop", "broken.shop.1", "service"),
            tuple("garbled.shop", "garbled.shop", "")));
    List<ConfigError> errors = store.table().errors();
    assertThat(errors.get(0).message()).isEqualTo("name: missing (expected: a name for this Mapping)");
    assertThat(errors.get(1).message())
        .isEqualTo("service: missing (expected: a service such as name, name.namespace:port or https://host)");
    assertThat(errors.get(2).message()).startsWith("YAML: while parsing a flow sequence");
    assertThat(sources(store.table()))
        .containsExactly("broken.shop (shop): 1", "garbled.shop (shop): 0", "quote.default (default): 1", "stock.shop (shop): 1");
  }

  @Test
  void singleNamespaceIgnoresOtherNamespaces() {
    create(annotated("quote", "ambassador", mapping("quote", "/quote/", "quote:8080")));
    create(annotated("stock", "shop", mapping("stock", "/stock/", "stock.shop:80")));

    start(new KubernetesSourceSettings("ambassador", true, Optional.empty(), Duration.ZERO));
    create(annotated("later", "shop", mapping("later", "/later/", "later.shop:80")));
    create(annotated("mine", "ambassador", mapping("mine", "/mine/", "mine:80")));

    awaitRoutes("ambassador/quote /quote/ -> quote:8080", "ambassador/mine /mine/ -> mine:80");
    assertThat(sources(store.table())).containsExactly("mine.ambassador (ambassador): 1", "quote.ambassador (ambassador): 1");
  }

  @Test
  void aLabelSelectorIgnoresServicesWithoutThatLabel() {
    create(service("edge", "default", Map.of("gateway", "edge"), mapping("edge", "/edge/", "edge:80")));
    create(service("other", "default", Map.of("gateway", "internal"), mapping("other", "/other/", "other:80")));
    create(annotated("bare", "default", mapping("bare", "/bare/", "bare:80")));

    start(new KubernetesSourceSettings("default", false, Optional.of("gateway=edge"), Duration.ZERO));
    create(service("late", "shop", Map.of("gateway", "edge"), mapping("late", "/late/", "late.shop:80")));

    awaitRoutes("default/edge /edge/ -> edge:80", "shop/late /late/ -> late.shop:80");
    assertThat(sources(store.table())).containsExactly("edge.default (default): 1", "late.shop (shop): 1");
  }

  @Test
  void mappingsForAnotherAmbassadorIdAreSkipped() {
    create(annotated("quote", "default", mapping("quote", "/quote/", "quote:80") + """
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        name: elsewhere
        prefix: /elsewhere/
        service: elsewhere:80
        ambassador_id: other
        """));

    start(KubernetesSourceSettings.clusterWide("default"), ParserSettings.DEFAULTS.withAmbassadorId("default"));

    assertThat(routes(store.table())).containsExactly("default/quote /quote/ -> quote:80");
    assertThat(store.table().skipped()).extracting(Skipped::source, Skipped::object, Skipped::kind)
        .containsExactly(tuple("quote.default", "elsewhere", "Mapping"));
  }

  @Test
  void fileSourcesInTheSameStoreAreLeftAlone() {
    store = realStore(ParserSettings.DEFAULTS);
    store.put(new SourceObject("local/quote.yaml", "default", Map.of(), mapping("file-quote", "/file/", "file:80")));
    create(annotated("stock", "shop", mapping("stock", "/stock/", "stock.shop:80")));
    source = new KubernetesSource(client, KubernetesSourceSettings.clusterWide("default"), store);
    source.start();
    source.firstSync().orTimeout(WITHIN.toSeconds(), TimeUnit.SECONDS).join();

    RouteTable synced = store.table();
    assertThat(routes(synced)).containsExactly("shop/stock /stock/ -> stock.shop:80", "default/file-quote /file/ -> file:80");

    client.services().inNamespace("shop").withName("stock").delete();
    awaitRoutes("default/file-quote /file/ -> file:80");
    assertThat(sources(store.table())).containsExactly("local/quote.yaml (default): 1");
  }

  @Test
  void closeStopsFollowingTheCluster() {
    startClusterWide();
    source.close();

    create(annotated("quote", "default", mapping("quote", "/quote/", "quote:80")));

    // The store keeps publishing for other sources; nothing from the cluster arrives after close.
    store.put(new SourceObject("local/x.yaml", "default", Map.of(), mapping("x", "/x/", "x:80")));
    await().atMost(WITHIN).until(() -> routes(store.table()).size() == 1);
    assertThat(routes(store.table())).containsExactly("default/x /x/ -> x:80");
    assertThat(source.healthy()).isTrue();
    assertThat(source.watching()).isFalse();
  }

  @Test
  void startingTwiceIsRefused() {
    startClusterWide();

    assertThatThrownBy(source::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Kubernetes source is already started");
    assertThat(List.of(source.synced(), source.healthy())).containsExactly(true, true);
  }
}
