package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.junit.jupiter.api.Test;

class HttpMethodsTest {
  @Test
  void headIsHeadWhicheverStringHoldsItAndNothingElseIs() {
    assertThat(HttpMethods.isHead(Methods.HEAD)).isTrue();
    assertThat(HttpMethods.isHead(new HttpString("HEAD"))).as("not the constant (an HTTP/2 pseudo-header)").isTrue();
    assertThat(HttpMethods.isHead(new HttpString("head"))).as("case ignored, as Methods.HEAD.equals does").isTrue();

    assertThat(HttpMethods.isHead(Methods.POST)).isFalse();
    assertThat(HttpMethods.isHead(Methods.GET)).isFalse();
    assertThat(HttpMethods.isHead(new HttpString("HEADS"))).isFalse();
    assertThat(HttpMethods.isHead(new HttpString("HEAF"))).isFalse();
  }
}
