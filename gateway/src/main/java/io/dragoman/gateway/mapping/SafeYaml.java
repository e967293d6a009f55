package io.dragoman.gateway.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads untrusted YAML text into plain maps, lists and scalars: safe construction only (no custom tags), duplicate
 * keys refused, and the size, alias and depth limits of {@link ParserSettings} enforced before any object is built.
 * The whole stream is read up front, so a syntax error late in the text rejects all of it.
 */
final class SafeYaml {
  /** Either the documents (null for an empty one) or why the text could not be read. */
  record Loaded(List<Object> documents, Optional<String> failure) {}

  private static final int MAX_REASON = 300;

  private final ParserSettings settings;

  SafeYaml(ParserSettings settings) {
    this.settings = settings;
  }

  Loaded load(String text) {
    long bytes = utf8Length(text, settings.maxBytes());
    if (bytes > settings.maxBytes()) {
      return failed("text is larger than " + settings.maxBytes() + " bytes");
    }
    try {
      List<Object> docs = new ArrayList<>();
      for (Object doc : newYaml().loadAll(text)) {
        docs.add(doc);
      }
      return new Loaded(Collections.unmodifiableList(docs), Optional.empty());
    } catch (RuntimeException | StackOverflowError e) {
      // YAMLException for syntax and limits. Anything else from the library (the depth limit should make a stack
      // overflow impossible) is treated the same way rather than escaping a parser that promises never to throw.
      return failed("YAML: " + oneLine(e.getMessage()));
    }
  }

  private Yaml newYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(settings.maxAliases());
    options.setNestingDepthLimit(settings.maxDepth());
    options.setCodePointLimit(settings.maxBytes());
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    return new Yaml(new SafeConstructor(options));
  }

  private static Loaded failed(String reason) {
    return new Loaded(List.of(), Optional.of(reason));
  }

  /** UTF-8 length of {@code s}, counting stops soon after {@code limit} is passed. */
  static long utf8Length(String s, long limit) {
    if (s.length() > limit) return s.length();
    long n = 0;
    for (int i = 0; i < s.length() && n <= limit; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String oneLine(String message) {
    if (message == null) return "unreadable";
    String s = message.replaceAll("\\s+", " ").trim();
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
  }
}
