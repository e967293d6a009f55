package io.dragoman.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example a user may copy loads without a single error, folder by folder, as the gateway would run it. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @ParameterizedTest
  @ValueSource(strings = {"local", "seed", "policies"})
  void loadsWithoutErrors(String folder) throws IOException {
    MappingParser parser = new MappingParser(ParserSettings.DEFAULTS);
    List<ParsedSource> parsed = new ArrayList<>();
    try (Stream<Path> files = Files.walk(EXAMPLES.resolve(folder))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        parsed.add(parser.parse(new SourceObject(f.getFileName().toString(), "default", Map.of(), Files.readString(f))));
      }
    }
    assertThat(parsed).isNotEmpty();

    RouteTable table = new RouteTableBuilder(Clock.systemUTC()).build(parsed, RouteTable.empty());

    assertThat(table.errors()).isEmpty();
    assertThat(table.groups()).isNotEmpty();
    assertThat(parsed).allSatisfy(p -> assertThat(p.mappings().size() + p.modules().size()).isPositive());
  }
}
