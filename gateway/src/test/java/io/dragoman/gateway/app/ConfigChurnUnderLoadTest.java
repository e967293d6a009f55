package io.dragoman.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.proxy.DnsResolver;
import io.dragoman.gateway.proxy.ProxyListener;
import io.dragoman.gateway.proxy.ProxyServer;
import io.dragoman.gateway.proxy.ProxySettings;
import io.dragoman.gateway.routing.RouteTableBuilder;
import io.dragoman.gateway.source.ConfigStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * HARDENING.md: 1,000 configuration changes under a load of concurrent requests, zero failed requests caused by the
 * changes. The served route flips between two upstreams and other sources come and go, every change a new table.
 */
class ConfigChurnUnderLoadTest {
  @Test
  void aThousandChangesUnderLoadFailNoRequest() throws Exception {
    MockWebServer blue = upstream("blue");
    MockWebServer green = upstream("green");
    ConfigStore store = new ConfigStore(new MappingParser(ParserSettings.DEFAULTS),
        new RouteTableBuilder(Clock.systemUTC()), Clock.systemUTC());
    ProxySettings d = ProxySettings.defaults(0).withBindAddress("127.0.0.1").withAccessLog(AccessLog.Format.OFF);
    ProxyServer proxy = new ProxyServer(d, store::table, new DnsResolver(Duration.ofSeconds(30)), ProxyListener.NONE);
    store.put(source("svc.default", "svc", "/svc/", blue.getPort()));
    store.flush().get(10, TimeUnit.SECONDS);
    proxy.start();

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/svc/x");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(load.submit(() -> {
        while (running.get()) {
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) ok.incrementAndGet();
            else failures.add(r.statusCode() + " " + r.body());
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
        return null;
      }));
    }

    long t0 = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      int port = i % 2 == 0 ? green.getPort() : blue.getPort();
      store.put(source("svc.default", "svc", "/svc/", port));
      if (i % 3 == 0) store.put(source("other-" + (i % 50) + ".default", "o" + (i % 50), "/o" + i + "/", port));
      if (i % 7 == 0) store.remove("other-" + ((i + 25) % 50) + ".default");
      store.flush().get(10, TimeUnit.SECONDS); // each change live before the next: 1,000 table swaps
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    running.set(false);
    for (Future<?> w : workers) w.get(30, TimeUnit.SECONDS);
    load.shutdown();

    System.out.printf("1,000 configuration changes in %.1f s under load: %d requests ok, %d failed, generation %d%n",
        seconds, ok.get(), failures.size(), store.table().generation());
    assertThat(failures).isEmpty();
    assertThat(store.table().generation()).isGreaterThanOrEqualTo(1000);
    assertThat(blue.getRequestCount()).isPositive();
    assertThat(green.getRequestCount()).isPositive();
    proxy.close();
    store.close();
    blue.close();
    green.close();
  }

  private static SourceObject source(String key, String name, String prefix, int port) {
    return new SourceObject(key, "default", Map.of(), "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\n"
        + "metadata: {name: " + name + "}\nspec: {prefix: " + prefix + ", service: \"127.0.0.1:" + port + "\"}\n");
  }

  private static MockWebServer upstream(String body) throws Exception {
    MockWebServer s = new MockWebServer();
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body(body).build();
      }
    });
    s.start();
    return s;
  }
}
