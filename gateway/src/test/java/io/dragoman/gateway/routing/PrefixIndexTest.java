package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.Arrays;
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

    assertThat(values(index, "/BBBB/x", 5, "/BBBB".hashCode())).containsExactly(1);
    assertThat(values(index, "/AaBB", 5, "/AaBB".hashCode())).containsExactly(2);
    assertThat(values(index, "/BBAa/x", 5, "/BBAa".hashCode())).isEmpty();
  }

  @Test
  void aKeyIsFoundOnlyAtItsOwnLength() {
    PrefixIndex index = new PrefixIndex(Map.of("/a", new int[] {0}, "/abc", new int[] {1}));

    assertThat(index.lengths()).containsExactly(2, 4);
    assertThat(values(index, "/abc", 4, "/abc".hashCode())).containsExactly(1);
    assertThat(values(index, "/abc", 3, "/ab".hashCode())).isEmpty();
  }

  @Test
  void manyKeysOfOneHashAndOneLengthAreAllFoundAndNothingElse() {
    // every string of eight "Aa"/"BB" pairs has the same hash and length: one long probe chain, wrapping around
    Map<String, int[]> keys = new HashMap<>();
    for (int n = 0; n < 256; n += 2) keys.put(pairs(n), new int[] {n});
    PrefixIndex index = new PrefixIndex(keys);

    int hash = pairs(0).hashCode();
    for (int n = 0; n < 256; n++) {
      assertThat(pairs(n).hashCode()).isEqualTo(hash);
      int[] expected = n % 2 == 0 ? new int[] {n} : new int[0];
      assertThat(values(index, pairs(n) + "/x", 17, hash)).as(pairs(n)).containsExactly(expected);
    }
  }

  @Test
  void tenThousandKeysAreFoundAtTheirLengthOnly() {
    Map<String, int[]> keys = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      keys.put("/svc-" + i + "/", i % 7 == 0 ? new int[] {i, i + 1, i + 2} : new int[] {i});
    }
    PrefixIndex index = new PrefixIndex(keys);

    assertThat(index.lengths()).containsExactly(7, 8, 9, 10);
    for (int i = 0; i < 10_000; i++) {
      String path = "/svc-" + i + "/v1";
      int length = path.indexOf('/', 1) + 1;
      int[] expected = i % 7 == 0 ? new int[] {i, i + 1, i + 2} : new int[] {i};
      assertThat(values(index, path, length, path.substring(0, length).hashCode())).containsExactly(expected);
      assertThat(values(index, path, length - 1, path.substring(0, length - 1).hashCode())).isEmpty();
      String miss = "/svc-" + (10_000 + i) + "/";
      assertThat(values(index, miss, miss.length(), miss.hashCode())).isEmpty();
    }
  }

  @Test
  void anEmptyIndexFindsNothing() {
    PrefixIndex index = new PrefixIndex(Map.of());

    assertThat(index.lengths()).isEmpty();
    assertThat(values(index, "/a", 2, "/a".hashCode())).isEmpty();
  }

  @Test
  void aKeyWithoutValuesOrWithANegativeValueIsRefused() {
    assertThatThrownBy(() -> new PrefixIndex(Map.of("/a", new int[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/a\"").hasMessageContaining("none");
    assertThatThrownBy(() -> new PrefixIndex(Map.of("/a", new int[] {1, -1})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/a\"").hasMessageContaining("-1");
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

  /** "/" and eight pairs, "Aa" where bit k of {@code n} is clear, "BB" where it is set. */
  private static String pairs(int n) {
    StringBuilder sb = new StringBuilder("/");
    for (int k = 0; k < 8; k++) sb.append((n >> k & 1) == 0 ? "Aa" : "BB");
    return sb.toString();
  }

  /** The values {@link PrefixIndex#find} reports for the path's first {@code length} characters. */
  private static int[] values(PrefixIndex index, String path, int length, int hash) {
    int found = index.find(path, length, hash);
    if (found == PrefixIndex.NONE) return new int[0];
    if (found >= 0) return new int[] {found};
    int at = ~found;
    return Arrays.copyOfRange(index.lists(), at + 1, at + 1 + index.lists()[at]);
  }
}
