package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Redirect;
import org.junit.jupiter.api.Test;

class RedirectsTest {

  private static String loc(Redirect r, String path, String prefix, String query) {
    return Redirects.location(r, "http", "gw.example", path, prefix, query);
  }

  @Test
  void hostRedirectReplacesOnlyTheHost() {
    Redirect r = new Redirect("new.example", "", "", 301);
    assertThat(loc(r, "/old/page", "/old/", "a=1&b=2")).isEqualTo("http://new.example/old/page?a=1&b=2");
  }

  @Test
  void hostRedirectKeepsAPortWrittenWithIt() {
    Redirect r = new Redirect("new.example:8080", "", "", 301);
    assertThat(loc(r, "/x", "/", "")).isEqualTo("http://new.example:8080/x");
  }

  @Test
  void hostRedirectKeepsTheRequestsScheme() {
    Redirect r = new Redirect("new.example", "", "", 302);
    assertThat(Redirects.location(r, "https", "gw.example", "/x", "/", "")).isEqualTo("https://new.example/x");
  }

  @Test
  void pathRedirectReplacesTheWholePathAndKeepsTheQuery() {
    Redirect r = new Redirect("", "/elsewhere", "", 301);
    assertThat(loc(r, "/old/deep/page", "/old/", "q=1")).isEqualTo("http://gw.example/elsewhere?q=1");
  }

  @Test
  void aQueryInPathRedirectReplacesTheRequestsQuery() {
    Redirect r = new Redirect("", "/elsewhere?from=old", "", 301);
    assertThat(loc(r, "/old/page", "/old/", "q=1")).isEqualTo("http://gw.example/elsewhere?from=old");
  }

  @Test
  void prefixRedirectReplacesTheMatchedPrefixAndKeepsTheRest() {
    Redirect r = new Redirect("", "", "/new/", 301);
    assertThat(loc(r, "/old/a/b", "/old/", "x=y")).isEqualTo("http://gw.example/new/a/b?x=y");
  }

  @Test
  void prefixRedirectOnAnExactOrRegexMappingReplacesTheWholePath() {
    Redirect r = new Redirect("", "", "/new", 308);
    assertThat(loc(r, "/old/page", "/old/page", "")).isEqualTo("http://gw.example/new");
  }

  @Test
  void prefixRedirectMatchesTheMatchedPrefixCaseBlind() {
    Redirect r = new Redirect("", "", "/new/", 301);
    assertThat(loc(r, "/OLD/a", "/old/", "")).isEqualTo("http://gw.example/new/a");
  }

  @Test
  void hostAndPrefixRedirectCombine() {
    Redirect r = new Redirect("new.example", "", "/v2/", 307);
    assertThat(loc(r, "/v1/users", "/v1/", "")).isEqualTo("http://new.example/v2/users");
  }

  @Test
  void hostAndPathRedirectCombine() {
    Redirect r = new Redirect("new.example", "/landing", "", 301);
    assertThat(loc(r, "/v1/users", "/v1/", "")).isEqualTo("http://new.example/landing");
  }

  @Test
  void withoutQueryThereIsNoQuestionMark() {
    Redirect r = new Redirect("new.example", "", "", 301);
    assertThat(loc(r, "/p", "/", "")).isEqualTo("http://new.example/p");
  }

  @Test
  void theRequestHostIsKeptWithItsPortWhenOnlyThePathChanges() {
    Redirect r = new Redirect("", "/x", "", 301);
    assertThat(Redirects.location(r, "http", "gw.example:8080", "/a", "/", "")).isEqualTo("http://gw.example:8080/x");
  }

  @Test
  void statusIsTheConfiguredCode() {
    assertThat(Redirects.status(new Redirect("h", "", "", 301))).isEqualTo(301);
    assertThat(Redirects.status(new Redirect("h", "", "", 302))).isEqualTo(302);
    assertThat(Redirects.status(new Redirect("h", "", "", 308))).isEqualTo(308);
  }
}
