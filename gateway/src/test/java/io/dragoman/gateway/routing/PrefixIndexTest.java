package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hashed prefix index: keys whose String hashes collide, lengths in any order, keys as long as the path. */
class PrefixIndexTest {

  @Test
  void keysWithTheSameHashAreToldApartByTheirCharacters() {
    // "Aa" and "BB" have the same String.hashCode(), so do "AaAa", "AaBB", "BBAa" and "BBBB".
    assertThat("/AaAa".hashCode()).isEqualTo("/BBBB".hashCode()).isEqualTo("/AaBB".hashCode());
    Map<String, int[]> keys = new HashMap<>();
    keys.put("/AaAa", new int[] {0});
    keys.put("/BBBB", new int[] {1});
    keys.put("/AaBB", new int[] {2});
    PrefixIndex index = new PrefixIndex(keys);

    assertThat(index.candidatesOf("/BBBB/x", 5, "/BBBB".hashCode())).containsExactly(1);
    assertThat(index.candidatesOf("/AaBB", 5, "/AaBB".hashCode())).containsExactly(2);
    assertThat(index.candidatesOf("/BBAa/x", 5, "/BBAa".hashCode())).isEmpty();
  }

  @Test
  void aKeyIsFoundOnlyAtItsOwnLength() {
    PrefixIndex index = new PrefixIndex(Map.of("/a", new int[] {0}, "/abc", new int[] {1}));

    assertThat(index.lengths()).containsExactly(2, 4);
    assertThat(index.candidatesOf("/abc", 4, "/abc".hashCode())).containsExactly(1);
    assertThat(index.candidatesOf("/abc", 3, "/ab".hashCode())).isEmpty();
  }

  @Test
  void anEmptyKeyIsRefused() {
    assertThatThrownBy(() -> new PrefixIndex(Map.of("", new int[] {0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
  }

  @Test
  void collidingPrefixesRouteThroughTheTableInOrder() {
    RouteTable table = Fixtures.build(
        Fixtures.plain("aa", "/AaAa/"),
        Fixtures.plain("bb", "/BBBB/"),
        Fixtures.mapping("exact", "/BBBB").match(Spec.of("/BBBB").exact().build()).build(),
        Fixtures.plain("short", "/"));

    assertThat(table.match(Request.get("/BBBB/x")).members().get(0).mapping().name()).isEqualTo("bb");
    assertThat(table.match(Request.get("/AaAa/x")).members().get(0).mapping().name()).isEqualTo("aa");
    assertThat(table.match(Request.get("/AaBB/x")).members().get(0).mapping().name()).isEqualTo("short");
    assertThat(table.match(Request.get("/BBBB")).members().get(0).mapping().name()).isEqualTo("exact");
  }
}
