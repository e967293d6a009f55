package io.dragoman.gateway.source.kubernetes;

import static io.dragoman.gateway.source.kubernetes.K8sFixtures.annotated;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.list;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.mapping;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.realStore;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.source.ConfigStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults the CRUD mock cannot produce (410 Gone, failing lists, a vanished or misbehaving API server), scripted on the
 * mock server in expectations mode. Asserted on the route table the store publishes.
 */
class KubernetesSourceFaultTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final String FIRST_LIST = "/api/v1/services?resourceVersion=0";
  private static final String RELIST = "/api/v1/services";
  private static final String QUOTE_ROUTE = "default/quote /quote/ -> quote:80";

  private final Service quote = annotated("quote", "default", mapping("quote", "/quote/", "quote:80"));
  private KubernetesMockServer server;
  private KubernetesClient client;
  private ConfigStore store;
  private KubernetesSource source;
  private final List<List<String>> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    server = new KubernetesMockServer(false);
    server.init();
    client = new KubernetesClientBuilder().withConfig(fastRetries(server.url("/"))).build();
    store = realStore();
    store.addListener((table, lag) -> published.add(routes(table)));
    source = new KubernetesSource(client, KubernetesSourceSettings.clusterWide("default"), store);
  }

  @AfterEach
  void tearDown() {
    source.close();
    store.close();
    client.close();
    stopInBackground();
  }

  /** The production settings with short waits, so retries happen within the test's time. */
  private static Config fastRetries(String url) {
    Config config =
        KubernetesSource.tune(new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace("default").build());
    config.setWatchReconnectInterval(50);
    config.setRequestRetryBackoffInterval(10);
    return config;
  }

  /**
   * The mock closes its listener and connections at once, then waits up to a minute for the pending emit of a quiet
   * watch (its executor keeps delayed tasks after shutdown). Nothing here needs that wait.
   */
  private void stopInBackground() {
    KubernetesMockServer s = server;
    CompletableFuture.runAsync(s::destroy);
  }

  private static String watch(String resourceVersion) {
    return "/api/v1/services?allowWatchBookmarks=true&resourceVersion=" + resourceVersion
        + "&timeoutSeconds=600&watch=true";
  }

  /**
   * A watch that stays open with nothing to say. The mock closes a session once its scripted events are sent, and
   * fabric8 treats a watch closed at once without a message as expired (410): so one event, far in the future.
   */
  private void expectQuietWatch(String resourceVersion) {
    server.expect().get().withPath(watch(resourceVersion)).andUpgradeToWebSocket().open()
        .waitFor(TimeUnit.MINUTES.toMillis(10)).andEmit(new WatchEvent(quote, "MODIFIED"))
        .done().always();
  }

  private static Status status(int code, String message) {
    return new StatusBuilder().withStatus("Failure").withCode(code).withMessage(message).build();
  }

  private List<String> requestPaths() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      paths.add(r.getPath());
    }
    return paths;
  }

  @Test
  void aGoneWatchRelistsAndTheRoutesStayUp() throws InterruptedException {
    Service stale = annotated("stale", "default", mapping("stale", "/stale/", "stale:80"));
    Service fresh = annotated("fresh", "shop", mapping("fresh", "/fresh/", "fresh.shop:80"));
    server.expect().get().withPath(FIRST_LIST).andReturn(200, list("1", quote, stale)).once();
    server.expect().get().withPath(watch("1")).andUpgradeToWebSocket().open()
        .waitFor(200).andEmit(new WatchEvent(status(410, "too old resource version: 1 (5)"), "ERROR"))
        .done().once();
    // While disconnected, stale was deleted and fresh created: the relist is the only way to learn both.
    server.expect().get().withPath(RELIST).andReturn(200, list("5", quote, fresh)).once();
    expectQuietWatch("5");

    source.start();

    await().atMost(WITHIN).until(() -> source.lists() == 2);
    await().atMost(WITHIN).untilAsserted(() ->
        assertThat(routes(store.table())).containsExactly("shop/fresh /fresh/ -> fresh.shop:80", QUOTE_ROUTE));
    assertThat(published).isNotEmpty().allSatisfy(r -> assertThat(r).contains(QUOTE_ROUTE));
    assertThat(requestPaths()).containsExactly(FIRST_LIST, watch("1"), RELIST, watch("5"));
    assertThat(source.synced()).isTrue();
    assertThat(source.healthy()).isTrue();
  }

  @Test
  void aListFailingAtStartMeansNotReadyUntilItAnswers() {
    server.expect().get().withPath(FIRST_LIST).andReturn(500, status(500, "etcdserver: request timed out")).always();

    source.start();
    await().atMost(WITHIN).until(() -> source.failures() >= 2);

    assertThat(source.synced()).isFalse();
    assertThat(source.firstSync()).isNotDone();
    assertThat(source.healthy()).isTrue();
    assertThat(store.table().generation()).isZero();

    server.clearExpectations();
    server.expect().get().withPath(FIRST_LIST).andReturn(200, list("3", quote)).once();
    expectQuietWatch("3");

    source.firstSync().orTimeout(WITHIN.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(source.synced()).isTrue();
    assertThat(routes(store.table())).containsExactly(QUOTE_ROUTE);
    assertThat(source.lists()).isEqualTo(1);
    assertThat(source.lastFailure()).hasValueSatisfying(t -> assertThat(t).hasMessageContaining("500"));
  }

  @Test
  void anUnreachableApiServerAtStartMeansNotReadyAndRetrying() {
    server.shutdown();

    source.start();
    await().atMost(WITHIN).until(() -> source.failures() >= 3);

    assertThat(source.synced()).isFalse();
    assertThat(source.firstSync()).isNotDone();
    assertThat(source.healthy()).isTrue();
    assertThat(store.table().generation()).isZero();
  }

  @Test
  void anApiServerGoneMidRunLeavesTheLastTableServing() {
    server.expect().get().withPath(FIRST_LIST).andReturn(200, list("1", quote)).once();
    expectQuietWatch("1");
    source.start();
    source.firstSync().orTimeout(WITHIN.toSeconds(), TimeUnit.SECONDS).join();
    await().atMost(WITHIN).until(source::watching);
    RouteTable serving = store.table();

    stopInBackground();
    await().atMost(WITHIN).until(() -> !source.watching());

    assertThat(store.table()).isSameAs(serving);
    assertThat(routes(store.table())).containsExactly(QUOTE_ROUTE);
    assertThat(source.synced()).isTrue();
    assertThat(source.healthy()).isTrue();
  }

  @Test
  void aResponseThatCannotBeReadStopsTheInformerAndFailsLiveness() {
    server.expect().get().withPath(FIRST_LIST)
        .andReturn(200, "{\"apiVersion\":\"v1\",\"kind\":\"ServiceList\",\"metadata\":{},\"items\":\"none\"}")
        .always();

    source.start();
    await().atMost(WITHIN).until(() -> !source.healthy());

    assertThat(source.synced()).isFalse();
    assertThat(source.firstSync()).isCompletedExceptionally();
    assertThat(source.failures()).isEqualTo(1);
    assertThat(store.table().generation()).isZero();
  }

  @Test
  void closingBeforeTheFirstListFailsTheWaiters() {
    server.shutdown();
    source.start();

    source.close();

    assertThat(source.firstSync()).isCompletedExceptionally();
    assertThat(source.firstSync())
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("Kubernetes source closed before its first list");
    assertThat(source.healthy()).isTrue();
  }
}
