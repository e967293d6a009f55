package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Mapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Request targets over a raw socket: every byte in the path and in a header value, absolute form, refusals. */
class HardeningPathTest {
  /** Bytes a path may carry raw and be routed: RFC 3986 pchar less ';' and '%', plus '/', '?', '[' and ']'. */
  private static final String PATH_OK =
      "!$&'()*+,-./0123456789:=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~";

  @AutoClose private final HardeningRig rig = HardeningRig.started();

  @Test
  void everyByteInThePathIsRoutedOrRefusedWith400() throws Exception {
    List<Integer> routed = new ArrayList<>();
    for (int b = 0; b <= 0xff; b++) {
      HardeningRig.Exchange x = rig.send(head("GET /a" + (char) b + "b HTTP/1.1", "Host: a", "Connection: close"));
      int expected = PATH_OK.indexOf(b) >= 0 ? 200 : 400;
      assertThat(x.status()).as("byte 0x%02X", b).isEqualTo(expected);
      assertThat(x.closed()).as("byte 0x%02X", b).isTrue();
      if (expected == 200) routed.add(b);
    }
    assertThat(rig.upstream.getRequestCount()).isEqualTo(routed.size());
    for (int b : routed) {
      RecordedRequest seen = rig.upstream.takeRequest();
      String expectedTarget = b == '/' ? "/a/b" : "/a" + (char) b + "b";
      assertThat(seen.getTarget()).as("byte 0x%02X", b).isEqualTo(expectedTarget);
    }
  }

  @Test
  void everyByteInAHeaderValueIsForwardedOrRefusedWith400() throws Exception {
    int forwarded = 0;
    for (int b = 0; b <= 0xff; b++) {
      HardeningRig.Exchange x =
          rig.send(head("GET /a HTTP/1.1", "Host: a", "X-Sweep: a" + (char) b + "b", "Connection: close"));
      boolean fieldValueByte = b == '\t' || (b >= 0x20 && b != 0x7f); // RFC 9110 field-vchar, SP, HTAB, obs-text
      assertThat(x.status()).as("byte 0x%02X", b).isEqualTo(fieldValueByte ? 200 : 400);
      if (fieldValueByte) {
        RecordedRequest seen = rig.upstream.takeRequest();
        forwarded++;
        assertThat(seen.getHeaders().get("X-Sweep")).as("byte 0x%02X", b)
            .isEqualTo(b >= 0x80 ? "a" + (char) 0xFFFD + "b" : "a" + (char) b + "b"); // okio decodes as UTF-8
      }
    }
    assertThat(rig.upstream.getRequestCount()).isEqualTo(forwarded);
  }

  @Test
  void absoluteFormRoutesOnItsPathNeverOnTheAuthority() throws Exception {
    MatchSpec hostA = new MatchSpec("/x/", false, false, true, "", false, List.of(), "a", false, List.of(), 0);
    rig.routes(Mapping.builder("host-a", "/x/", rig.service("svc.ns", 80)).match(hostA).build());

    HardeningRig.Exchange onHostA =
        rig.send(head("GET http://evil.example:9/x/y?q=1 HTTP/1.1", "Host: a", "Connection: close"));
    HardeningRig.Exchange onEvil =
        rig.send(head("GET http://a/x/y HTTP/1.1", "Host: evil.example", "Connection: close"));

    assertThat(onHostA.status()).isEqualTo(200);
    RecordedRequest seen = rig.upstream.takeRequest();
    assertThat(seen.getTarget()).isEqualTo("/y?q=1"); // the default rewrite replaces the prefix with /
    assertThat(seen.getHeaders().get("Host")).isEqualTo("a");
    // The authority "a" in the target never makes it host a: Undertow 2.4.4 refuses this one outright (bare 400).
    assertThat(onEvil.status()).isEqualTo(400);
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
  }

  @Test
  void absoluteFormIsNormalisedAndRefusedLikeOriginForm() throws Exception {
    HardeningRig.Exchange climb = rig.send(head("GET http://a/../etc/passwd HTTP/1.1", "Host: a"));
    HardeningRig.Exchange dots = rig.send(head("GET https://a//b/./c/../d HTTP/1.1", "Host: a", "Connection: close"));

    assertThat(climb.status()).isEqualTo(400);
    assertThat(climb.only().body()).isEqualTo("{\"error\": \"path climbs above the root\"}\n");
    assertThat(climb.closed()).isTrue();
    assertThat(dots.status()).isEqualTo(200);
    assertThat(rig.upstream.takeRequest().getTarget()).isEqualTo("/b/d");
  }

  @Test
  void ambiguousPathsAreRefusedWithTheirReason() throws Exception {
    String[][] cases = {
      {"/a%2Fb", "encoded slash or backslash in path"},
      {"/a%2fb", "encoded slash or backslash in path"},
      {"/a%5Cb", "encoded slash or backslash in path"},
      {"/../x", "path climbs above the root"},
      {"/a/../../x", "path climbs above the root"},
      {"/%2E%2E/x", "path climbs above the root"},
      {"/a;jsessionid=1", "path parameters (;) are not accepted"},
      {"/a%00b", "encoded control character in path"},
      {"/a%0Ab", "encoded control character in path"},
      {"/%C3%28", "invalid UTF-8 in path"},
      {"/%ED%A0%80", "invalid UTF-8 in path"},
      {"/%C0%AF", "invalid UTF-8 in path"},
      {"/a%2", ""}, // Undertow's parser refuses it: a bare 400
      {"/a%zz", ""},
      {"*", ""}, // asterisk-form with GET: Undertow refuses; OPTIONS * reaches the guard (below)
    };
    for (String[] c : cases) {
      HardeningRig.Exchange x = rig.send(head("GET " + c[0] + " HTTP/1.1", "Host: a"));
      assertThat(x.status()).as(c[0]).isEqualTo(400);
      assertThat(x.only().body()).as(c[0]).isEqualTo(c[1].isEmpty() ? "" : "{\"error\": \"" + c[1] + "\"}\n");
      assertThat(x.closed()).as(c[0]).isTrue();
    }
    assertThat(rig.upstream.getRequestCount()).isZero();
  }

  @Test
  void asteriskFormIsRefused() throws Exception {
    HardeningRig.Exchange x = rig.send(head("OPTIONS * HTTP/1.1", "Host: a"));

    assertThat(x.status()).isEqualTo(400);
    assertThat(x.only().body()).isEqualTo("{\"error\": \"request path must start with /\"}\n");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isZero();
  }

  @Test
  void fragmentIsRefusedByUndertow() throws Exception {
    HardeningRig.Exchange x = rig.send(head("GET /a#b HTTP/1.1", "Host: a"));

    assertThat(x.status()).isEqualTo(400);
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isZero();
  }
}
