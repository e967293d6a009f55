package io.dragoman.gateway.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store and the file source wired to the real MappingParser and RouteTableBuilder, as the app wires them. Asserts
 * what this package controls: what reaches the parser, and that each change publishes a newer table.
 */
class RealPipelineTest {
  private static final String QUOTE_MAPPING =
      """
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      name: quote
      prefix: /quote/
      service: quote.default:8080
      """;

  @TempDir Path dir;

  private static RouteTable flushed(ConfigStore store) {
    return store.flush().orTimeout(5, TimeUnit.SECONDS).join();
  }

  @Test
  void theConvenienceConstructorPublishesANewGenerationPerChange() {
    try (ConfigStore store =
        new ConfigStore(new MappingParser(ParserSettings.DEFAULTS), new RouteTableBuilder(Clock.systemUTC()),
            Clock.systemUTC())) {
      List<Duration> lags = new CopyOnWriteArrayList<>();
      store.addListener((table, since) -> lags.add(since));

      store.put(new SourceObject("quote.default", "default", Map.of(), QUOTE_MAPPING));
      RouteTable first = flushed(store);
      store.remove("quote.default");
      RouteTable second = flushed(store);

      assertThat(first.generation()).isEqualTo(1);
      assertThat(second.generation()).isEqualTo(2);
      assertThat(store.table()).isSameAs(second);
      assertThat(lags).hasSize(2);
      assertThat(store.failures()).isZero();
    }
  }

  @Test
  void filesReachTheRealParserWithTheirKeyNamespaceAndText() throws IOException {
    MappingParser parser = new MappingParser(ParserSettings.DEFAULTS);
    List<SourceObject> parsed = new CopyOnWriteArrayList<>();
    Files.createDirectories(dir.resolve("apps"));
    Files.writeString(dir.resolve("apps/quote.yaml"), QUOTE_MAPPING);

    try (ConfigStore store =
            new ConfigStore(
                s -> {
                  parsed.add(s);
                  return parser.parse(s);
                },
                new RouteTableBuilder(Clock.systemUTC())::build,
                Clock.systemUTC(),
                Duration.ofMillis(5));
        FileSource files = new FileSource(List.of(dir), "ambassador", store, Duration.ofMillis(200))) {
      files.start();
      RouteTable table = flushed(store);

      assertThat(parsed).containsExactly(new SourceObject("apps/quote.yaml", "ambassador", Map.of(), QUOTE_MAPPING));
      assertThat(table.generation()).isEqualTo(1);
      assertThat(store.table()).isSameAs(table);
    }
  }
}
