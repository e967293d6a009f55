package io.dragoman.gateway.mapping;

import static io.dragoman.gateway.mapping.ParserFixtures.mapping;
import static io.dragoman.gateway.mapping.ParserFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Untrusted text: every limit breach is an unreadable source, never an exception, a hang or an OOM. */
class ParserLimitsTest {

  /** Nine levels of ten aliases each: 10^9 strings if expanded. */
  private static String billionLaughs() {
    StringBuilder sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      sb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) sb.append(i == 0 ? "" : ",").append('*').append(p);
      sb.append("]\n");
    }
    return sb.toString();
  }

  private static void assertUnreadable(ParsedSource parsed, String messagePart) {
    assertThat(parsed.unreadable()).isTrue();
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).hasSize(1);
    assertThat(parsed.errors().get(0).object()).isEqualTo("src.default");
    assertThat(parsed.errors().get(0).field()).isEmpty();
    assertThat(parsed.errors().get(0).message()).contains(messagePart);
  }

  @Test
  void billionLaughsIsRefused() {
    ParsedSource parsed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> parse(billionLaughs()));
    assertUnreadable(parsed, "Number of aliases for non-scalar nodes exceeds the specified max=50");
  }

  @Test
  void aliasesUpToTheLimitAreFine() {
    ParsedSource parsed = parse(mapping("labels: &l {a: b}\ndocs: *l\n"));
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings().get(0).informational()).containsEntry("docs", Map.of("a", "b"));
  }

  @Test
  void aliasGraphWithinTheAliasLimitButHugeWhenWalkedIsRefusedAsInformational() {
    // 5 levels x 10 aliases = 50 aliases, 10^5 leaves when walked
    StringBuilder sb = new StringBuilder("labels:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (char c = 'b'; c <= 'f'; c++) {
      sb.append("  ").append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) sb.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
      sb.append("]\n");
    }
    ParsedSource parsed = parse(mapping(sb.toString()));
    assertThat(parsed.unreadable()).isFalse();
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("labels");
    assertThat(parsed.errors().get(0).message()).endsWith("(expected: at most 1000 values)");
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "labels: " + "[".repeat(200) + "]".repeat(200) + "\n";
    assertUnreadable(parse(mapping(deep)), "Nesting Depth exceeded max 50");
  }

  @Test
  void nestingWithinTheLimitIsFine() {
    String nested = "labels: " + "[".repeat(20) + "]".repeat(20) + "\n";
    assertThat(parse(mapping(nested)).mappings()).hasSize(1);
  }

  @Test
  void oversizeTextIsRefusedBeforeParsing() {
    String big = mapping("docs: \"" + "x".repeat(256 * 1024) + "\"\n");
    assertUnreadable(parse(big), "text is larger than 262144 bytes");
  }

  @Test
  void sizeIsCountedInUtf8Bytes() {
    MappingParser small = new MappingParser(new ParserSettings("default", 200, 50, 50));
    String text = mapping("docs: \"" + "é".repeat(60) + "\"\n"); // ~120 bytes of é, fewer than 200 chars in all
    assertThat(text.length()).isLessThan(200);
    ParsedSource parsed = small.parse(new SourceObject("src.default", "default", Map.of(), text));
    assertUnreadable(parsed, "text is larger than 200 bytes");
  }

  @Test
  void textAtTheLimitIsRead() {
    String text = mapping("");
    MappingParser exact = new MappingParser(new ParserSettings("default", text.length(), 50, 50));
    assertThat(exact.parse(new SourceObject("k", "default", Map.of(), text)).mappings()).hasSize(1);
  }

  @Test
  void recursiveStructureDoesNotLoop() {
    ParsedSource parsed = parse(mapping("labels: &l [a, *l]\n"));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("labels");
  }

  @Test
  void overlongRegexIsRefused() {
    String re = "a".repeat(1025);
    ParsedSource parsed = parse(mapping("regex_headers: {x-a: \"" + re + "\"}\n"));
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("regex_headers.x-a");
    assertThat(parsed.errors().get(0).message()).endsWith("(expected: an RE2 regex of at most 1024 characters)");
  }

  @Test
  void regexWithHugeRepetitionIsRefusedQuickly() {
    ParsedSource parsed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> parse(mapping("regex_headers: {x-a: \"((a{1000}){1000}){1000}\"}\n")));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("regex_headers.x-a");
  }
}
