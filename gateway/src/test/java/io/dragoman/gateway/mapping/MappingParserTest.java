package io.dragoman.gateway.mapping;

import static io.dragoman.gateway.mapping.ParserFixtures.messages;
import static io.dragoman.gateway.mapping.ParserFixtures.onlyMapping;
import static io.dragoman.gateway.mapping.ParserFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Objects in a source: shapes, apiVersions, kinds, ambassador_id, namespaces, names, Service manifests. */
class MappingParserTest {

  @Test
  void seedExampleHttpbin() {
    ParsedSource parsed =
        parse("httpbin.default", "default", """
            ---
            apiVersion: ambassador/v0
            kind:  Mapping
            name:  httpbin_mapping
            prefix: /httpbin/
            service: httpbin.org:80
            host_rewrite: httpbin.org
            """);
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.unreadable()).isFalse();
    assertThat(parsed.objectCount()).isEqualTo(1);
    Mapping m = parsed.mappings().get(0);
    assertThat(m.name()).isEqualTo("httpbin_mapping");
    assertThat(m.namespace()).isEqualTo("default");
    assertThat(m.source()).isEqualTo("httpbin.default");
    assertThat(m.objectId()).isEqualTo("httpbin.default.1");
    assertThat(m.apiVersion()).isEqualTo("ambassador/v0");
    assertThat(m.match()).isEqualTo(MatchSpec.prefix("/httpbin/"));
    assertThat(m.service()).isEqualTo(new ServiceRef("httpbin.org:80", false, "httpbin.org", 80));
    assertThat(m.forward().hostRewrite()).isEqualTo("httpbin.org");
    assertThat(m.forward().rewrite()).isEqualTo("/");
    assertThat(m.policies()).isEqualTo(PolicySpec.DEFAULTS);
    assertThat(m.informational()).isEmpty();
  }

  @Test
  void seedExampleTfServing() {
    ParsedSource parsed =
        parse("test.kubeflow", "kubeflow", """
            ---
            apiVersion: ambassador/v0
            kind:  Mapping
            name: tfserving-mapping-test-post
            prefix: /models/test/
            rewrite: /model/test/:predict
            method: POST
            service: test.kubeflow:8000
            """);
    assertThat(parsed.errors()).isEmpty();
    Mapping m = parsed.mappings().get(0);
    assertThat(m.name()).isEqualTo("tfserving-mapping-test-post");
    assertThat(m.namespace()).isEqualTo("kubeflow");
    assertThat(m.objectId()).isEqualTo("test.kubeflow.1");
    assertThat(m.match().prefix()).isEqualTo("/models/test/");
    assertThat(m.match().method()).isEqualTo("POST");
    assertThat(m.match().methodRegex()).isFalse();
    assertThat(m.forward().rewrite()).isEqualTo("/model/test/:predict");
    assertThat(m.service()).isEqualTo(new ServiceRef("test.kubeflow:8000", false, "test.kubeflow", 8000));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ambassador/v0", "ambassador/v1", "getambassador.io/v0", "getambassador.io/v1", "getambassador.io/v2",
        "getambassador.io/v3alpha1"
      })
  void acceptsEachApiVersion(String apiVersion) {
    Mapping m = onlyMapping("apiVersion: " + apiVersion + "\nkind: Mapping\nname: m\nprefix: /p/\nservice: s\n");
    assertThat(m.apiVersion()).isEqualTo(apiVersion);
  }

  @ParameterizedTest
  @ValueSource(strings = {"getambassador.io/v4", "ambassador/v2", "x.getambassador.io/v1", "v1"})
  void refusesOtherApiVersionsOnAmbassadorKinds(String apiVersion) {
    ParsedSource parsed = parse("apiVersion: " + apiVersion + "\nkind: Mapping\nname: m\nprefix: /p/\nservice: s\n");
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors())
        .containsExactly(
            new ConfigError("src.default", "m", "apiVersion",
                "apiVersion: \"" + apiVersion + "\" (expected: one of ambassador/v0, ambassador/v1, "
                    + "getambassador.io/v0, getambassador.io/v1, getambassador.io/v2, getambassador.io/v3alpha1)"));
  }

  @Test
  void missingApiVersionAndKindAreErrors() {
    ParsedSource parsed = parse("name: m\nprefix: /p/\nservice: s\n");
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("apiVersion", "kind");
    assertThat(parsed.errors()).extracting(ConfigError::object).containsOnly("m");
  }

  @Test
  void kubernetesShapeReadsMetadataAndSpec() {
    Mapping m = onlyMapping("""
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata:
          name: models
          namespace: serving
          labels: {app: x}
          resourceVersion: "42"
        spec:
          prefix: /models/
          service: tf
          timeout_ms: 9000
        status: {}
        """);
    assertThat(m.name()).isEqualTo("models");
    assertThat(m.namespace()).isEqualTo("serving");
    assertThat(m.service().host()).isEqualTo("tf.serving");
    assertThat(m.forward().timeoutMs()).hasValue(9000);
  }

  @Test
  void kubernetesShapeRefusesAttributesOutsideSpec() {
    ParsedSource parsed = parse("""
        apiVersion: getambassador.io/v2
        kind: Mapping
        metadata: {name: m}
        prefix: /p/
        spec: {prefix: /p/, service: s}
        """);
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("prefix");
  }

  @Test
  void kubernetesShapeNeedsMetadataName() {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v2\nkind: Mapping\nspec: {prefix: /p/, service: s}\n");
    assertThat(parsed.errors())
        .containsExactly(new ConfigError("src.default", "src.default.1", "metadata.name",
            "metadata.name: missing (expected: a name for this Mapping)"));
  }

  @Test
  void multiDocumentStreamKeepsGoodObjectsAroundABadOne() {
    ParsedSource parsed = parse("""
        apiVersion: ambassador/v0
        kind: Mapping
        name: first
        prefix: /a/
        service: a
        ---
        apiVersion: ambassador/v0
        kind: Mapping
        name: broken
        prefix: /b/
        service: b
        timeout_ms: 3s
        ---
        apiVersion: ambassador/v0
        kind: Mapping
        name: third
        prefix: /c/
        service: c
        """);
    assertThat(parsed.mappings()).extracting(Mapping::name).containsExactly("first", "third");
    assertThat(parsed.mappings()).extracting(Mapping::objectId).containsExactly("src.default.1", "src.default.3");
    assertThat(parsed.errors())
        .containsExactly(new ConfigError("src.default", "broken", "timeout_ms",
            "timeout_ms: \"3s\" (expected: integer milliseconds)"));
    assertThat(parsed.objectCount()).isEqualTo(3);
  }

  @Test
  void emptyDocumentsAreSkippedNotErrors() {
    ParsedSource parsed = parse("---\n---\n" + ParserFixtures.mapping("") + "---\n");
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings()).extracting(Mapping::objectId).containsExactly("src.default.2");
    // "---" opens a document: the first and the trailing one are empty
    assertThat(parsed.skipped())
        .containsExactly(
            new Skipped("src.default", "src.default.1", "", "empty document"),
            new Skipped("src.default", "src.default.3", "", "empty document"));
    assertThat(parsed.objectCount()).isEqualTo(3);
  }

  @Test
  void emptyTextYieldsNothing() {
    ParsedSource parsed = parse("");
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.unreadable()).isFalse();
  }

  @Test
  void aDocumentThatIsNotAMapIsAnErrorNamedByIndex() {
    ParsedSource parsed = parse("just a string\n---\n" + ParserFixtures.mapping(""));
    assertThat(parsed.mappings()).hasSize(1);
    assertThat(parsed.errors())
        .containsExactly(new ConfigError("src.default", "src.default.1", "document",
            "document: \"just a string\" (expected: a map of attributes (apiVersion, kind, name, ...))"));
  }

  @Test
  void duplicateNameIsAnErrorOnTheLaterObjectOnly() {
    ParsedSource parsed = parse(ParserFixtures.mapping("") + "---\n" + ParserFixtures.mapping("weight: 10\n"));
    assertThat(parsed.mappings()).extracting(Mapping::objectId).containsExactly("src.default.1");
    assertThat(parsed.errors())
        .containsExactly(new ConfigError("src.default", "m", "name",
            "name: \"m\" (expected: a name not used by another Mapping in namespace default (src.default.1 has it))"));
  }

  @Test
  void sameNameInAnotherNamespaceOrKindIsFine() {
    ParsedSource parsed = parse(ParserFixtures.mapping("")
        + "---\n" + ParserFixtures.mapping("namespace: other\n")
        + "---\napiVersion: getambassador.io/v2\nkind: TLSContext\nname: m\n");
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings()).extracting(Mapping::namespace).containsExactly("default", "other");
  }

  @Test
  void firstHolderOfANameKeepsItEvenWhenBroken() {
    ParsedSource parsed = parse(ParserFixtures.mapping("timeout_ms: -1\n") + "---\n" + ParserFixtures.mapping(""));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("timeout_ms", "name");
  }

  @Test
  void nameMustBeANonEmptyString() {
    ParsedSource parsed = parse("apiVersion: ambassador/v0\nkind: Mapping\nname: ''\nprefix: /p/\nservice: s\n"
        + "---\napiVersion: ambassador/v0\nkind: Mapping\nname: 12\nprefix: /p/\nservice: s\n");
    assertThat(parsed.errors())
        .containsExactly(
            new ConfigError("src.default", "src.default.1", "name", "name: \"\" (expected: a non-empty name)"),
            new ConfigError("src.default", "src.default.2", "name", "name: 12 (expected: a string)"));
  }

  @Test
  void namespaceAttributeOverridesTheSourceNamespace() {
    ParsedSource parsed = parse("svc.team", "team", ParserFixtures.mapping("namespace: other\n"));
    Mapping m = parsed.mappings().get(0);
    assertThat(m.namespace()).isEqualTo("other");
    assertThat(m.service().host()).isEqualTo("svc.other");
  }

  @Test
  void withoutNamespaceAttributeTheSourceNamespaceApplies() {
    Mapping m = parse("svc.team", "team", ParserFixtures.mapping("")).mappings().get(0);
    assertThat(m.namespace()).isEqualTo("team");
    assertThat(m.service().host()).isEqualTo("svc.team");
  }

  @Test
  void invalidNamespaceIsAnError() {
    ParsedSource parsed = parse(ParserFixtures.mapping("namespace: Not_A_Namespace\n"));
    assertThat(messages(parsed))
        .containsExactly("namespace: \"Not_A_Namespace\" (expected: a namespace name (lower case DNS label))");
  }

  @Test
  void ambassadorIdAbsentMeansDefault() {
    assertThat(parse(ParserFixtures.mapping("")).mappings()).hasSize(1);
    MappingParser blue = new MappingParser(ParserSettings.DEFAULTS.withAmbassadorId("blue"));
    ParsedSource parsed = blue.parse(new SourceObject("k", "default", Map.of(), ParserFixtures.mapping("")));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.skipped())
        .containsExactly(new Skipped("k", "m", "Mapping", "ambassador_id [\"default\"] does not include \"blue\""));
  }

  @Test
  void ambassadorIdStringSelectsTheObject() {
    MappingParser blue = new MappingParser(ParserSettings.DEFAULTS.withAmbassadorId("blue"));
    ParsedSource parsed = blue.parse(new SourceObject("k", "default", Map.of(),
        ParserFixtures.mapping("ambassador_id: blue\n")));
    assertThat(parsed.mappings()).hasSize(1);
    assertThat(parsed.skipped()).isEmpty();
  }

  @Test
  void ambassadorIdListSelectsWhenItContainsOurs() {
    ParsedSource parsed = parse(ParserFixtures.mapping("ambassador_id: [blue, default]\n")
        + "---\napiVersion: ambassador/v0\nkind: Mapping\nname: n\nprefix: /q/\nservice: s\n"
        + "ambassador_id: [blue, green]\n");
    assertThat(parsed.mappings()).extracting(Mapping::name).containsExactly("m");
    assertThat(parsed.skipped())
        .containsExactly(new Skipped("src.default", "n", "Mapping",
            "ambassador_id [\"blue\", \"green\"] does not include \"default\""));
    assertThat(parsed.errors()).isEmpty();
  }

  @Test
  void ambassadorIdInSpecOfKubernetesShape() {
    ParsedSource parsed = parse("""
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: m}
        spec: {prefix: /p/, service: s, ambassador_id: [other]}
        """);
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.skipped()).extracting(Skipped::reason)
        .containsExactly("ambassador_id [\"other\"] does not include \"default\"");
  }

  @Test
  void ambassadorIdAppliesToEveryKindEvenUnsupportedOnes() {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v2\nkind: AuthService\nname: a\nambassador_id: x\n");
    assertThat(parsed.skipped()).extracting(Skipped::reason)
        .containsExactly("ambassador_id [\"x\"] does not include \"default\"");
  }

  @Test
  void ambassadorIdOfTheWrongTypeIsAnError() {
    ParsedSource parsed = parse(ParserFixtures.mapping("ambassador_id: 7\n"));
    assertThat(messages(parsed)).containsExactly("ambassador_id: 7 (expected: a string or a list of strings)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AuthService", "RateLimitService", "TLSContext", "TracingService", "TCPMapping", "Host", "Listener",
        "KubernetesServiceResolver", "KubernetesEndpointResolver", "ConsulResolver", "LogService", "DevPortal",
        "Filter", "FilterPolicy"
      })
  void otherAmbassadorKindsAreSkippedAsNotSupportedYet(String kind) {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v2\nkind: " + kind + "\nname: x\nfoo: bar\n");
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.skipped()).containsExactly(new Skipped("src.default", "x", kind, "not supported yet"));
  }

  @Test
  void unknownKindIsAnError() {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v2\nkind: Maping\nname: x\n");
    assertThat(parsed.errors())
        .containsExactly(new ConfigError("src.default", "x", "kind",
            "kind: \"Maping\" (expected: Mapping, Module or another Ambassador kind)"));
  }

  @Test
  void otherKubernetesObjectsInAManifestFileAreSkipped() {
    ParsedSource parsed = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n");
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.skipped())
        .containsExactly(new Skipped("src.default", "web", "Deployment", "not an Ambassador object (apps/v1 Deployment)"));
  }

  @Test
  void ambassadorModuleSetsDefaults() {
    ParsedSource parsed = parse("""
        apiVersion: getambassador.io/v2
        kind: Module
        name: ambassador
        config:
          cluster_request_timeout_ms: 5000
          connect_timeout_ms: 700
          cluster_idle_timeout_ms: 60000
          diagnostics: {enabled: false}
          use_remote_address: true
          cors: {origins: "https://a.example, https://b.example", max_age: "86400"}
          add_request_headers: {x-env: prod, x-n: 3}
          add_response_headers: {x-served-by: {value: dragoman, append: false}}
        """);
    assertThat(parsed.errors()).isEmpty();
    ModuleConfig module = parsed.modules().get(0);
    assertThat(module.source()).isEqualTo("src.default");
    assertThat(module.objectId()).isEqualTo("src.default.1");
    assertThat(module.namespace()).isEqualTo("default");
    assertThat(module.timeoutMs()).hasValue(5000);
    assertThat(module.connectTimeoutMs()).hasValue(700);
    assertThat(module.idleTimeoutMs()).hasValue(60000);
    assertThat(module.cors().orElseThrow().origins()).containsExactly("https://a.example", "https://b.example");
    assertThat(module.cors().orElseThrow().maxAgeSeconds()).hasValue(86400);
    assertThat(module.addRequestHeaders())
        .containsExactly(new HeaderValue("x-env", "prod", true), new HeaderValue("x-n", "3", true));
    assertThat(module.addResponseHeaders()).containsExactly(new HeaderValue("x-served-by", "dragoman", false));
    assertThat(module.raw()).isEqualTo(Map.of("diagnostics", Map.of("enabled", false), "use_remote_address", true));
  }

  @Test
  void moduleTimeoutUnderEitherNameButNotBoth() {
    ParsedSource ok = parse("apiVersion: ambassador/v0\nkind: Module\nname: ambassador\nconfig: {timeout_ms: 10}\n");
    assertThat(ok.modules().get(0).timeoutMs()).hasValue(10);
    ParsedSource both = parse("apiVersion: ambassador/v0\nkind: Module\nname: ambassador\n"
        + "config: {timeout_ms: 10, cluster_request_timeout_ms: 20}\n");
    assertThat(messages(both)).containsExactly(
        "config.cluster_request_timeout_ms: 20 (expected: not together with timeout_ms (they set the same limit))");
  }

  @Test
  void moduleErrorsAreReported() {
    ParsedSource parsed = parse("apiVersion: ambassador/v0\nkind: Module\nname: ambassador\n"
        + "config: {timeout_ms: fast}\nextra: 1\n");
    assertThat(parsed.modules()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly("extra", "config.timeout_ms");
  }

  @Test
  void moduleInKubernetesShape() {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v3alpha1\nkind: Module\n"
        + "metadata: {name: ambassador, namespace: ops}\nspec: {config: {timeout_ms: 1}}\n");
    assertThat(parsed.modules()).extracting(ModuleConfig::namespace).containsExactly("ops");
  }

  @Test
  void moduleWithAnotherNameIsSkipped() {
    ParsedSource parsed = parse("apiVersion: ambassador/v0\nkind: Module\nname: tls\nconfig: {server: {}}\n");
    assertThat(parsed.modules()).isEmpty();
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.skipped())
        .containsExactly(new Skipped("src.default", "tls", "Module",
            "not supported yet (only the Module named ambassador is read)"));
  }

  @Test
  void serviceManifestAnnotationIsANestedStream() {
    ParsedSource parsed = parse("manifests/models.yaml", "gateway-ns", """
        apiVersion: v1
        kind: Service
        metadata:
          name: test
          namespace: kubeflow
          annotations:
            getambassador.io/config: |
              ---
              apiVersion: ambassador/v0
              kind: Mapping
              name: tfserving-mapping-test-get
              prefix: /models/test/
              method: GET
              service: test:8000
              ---
              apiVersion: ambassador/v0
              kind: Mapping
              name: tfserving-mapping-test-post
              prefix: /models/test/
              method: POST
              service: test.kubeflow:8000
        spec:
          ports: [{port: 8000}]
        ---
        apiVersion: ambassador/v0
        kind: Mapping
        name: plain
        prefix: /plain/
        service: p
        """);
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings())
        .extracting(Mapping::objectId, Mapping::namespace, m -> m.service().authority())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("manifests/models.yaml.1.1", "kubeflow", "test.kubeflow:8000"),
            org.assertj.core.groups.Tuple.tuple("manifests/models.yaml.1.2", "kubeflow", "test.kubeflow:8000"),
            org.assertj.core.groups.Tuple.tuple("manifests/models.yaml.2", "gateway-ns", "p.gateway-ns:80"));
    assertThat(parsed.objectCount()).isEqualTo(3);
  }

  @Test
  void serviceManifestWithoutNamespaceUsesTheSourceNamespace() {
    ParsedSource parsed = parse("f.yaml", "gw", """
        apiVersion: v1
        kind: Service
        metadata:
          name: s
          annotations:
            getambassador.io/config: |
              apiVersion: ambassador/v1
              kind: Mapping
              name: m
              prefix: /m/
              service: s
        """);
    assertThat(parsed.mappings()).extracting(Mapping::namespace).containsExactly("gw");
  }

  @Test
  void serviceWithoutAnnotationIsSkipped() {
    ParsedSource parsed = parse("apiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {a: b}}\n");
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.skipped())
        .containsExactly(new Skipped("src.default", "web", "Service", "Service without getambassador.io/config"));
  }

  @Test
  void brokenYamlInsideAnAnnotationMakesTheSourceUnreadable() {
    ParsedSource parsed = parse("f.yaml", "gw", """
        apiVersion: v1
        kind: Service
        metadata:
          name: s
          annotations:
            getambassador.io/config: "prefix: [unclosed"
        """);
    assertThat(parsed.unreadable()).isTrue();
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).hasSize(1);
    assertThat(parsed.errors().get(0).object()).isEqualTo("f.yaml");
    assertThat(parsed.errors().get(0).message()).startsWith("Service s (f.yaml.1): getambassador.io/config: YAML: ");
  }

  @Test
  void serviceManifestNestedInAnAnnotationIsAnError() {
    ParsedSource parsed = parse("""
        apiVersion: v1
        kind: Service
        metadata:
          name: outer
          annotations:
            getambassador.io/config: |
              apiVersion: v1
              kind: Service
              metadata: {name: inner}
        """);
    assertThat(parsed.errors()).extracting(ConfigError::object, ConfigError::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("inner", "kind"));
  }

  @Test
  void yamlSyntaxErrorMakesTheWholeSourceUnreadable() {
    ParsedSource parsed = parse(ParserFixtures.mapping("") + "---\nprefix: [unclosed\n");
    assertThat(parsed.unreadable()).isTrue();
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.objectCount()).isZero();
    assertThat(parsed.errors()).hasSize(1);
    ConfigError e = parsed.errors().get(0);
    assertThat(e.source()).isEqualTo("src.default");
    assertThat(e.object()).isEqualTo("src.default");
    assertThat(e.field()).isEmpty();
    assertThat(e.message()).startsWith("YAML: ").doesNotContain("\n");
  }

  @Test
  void duplicateKeysMakeTheSourceUnreadable() {
    ParsedSource parsed = parse(ParserFixtures.mapping("prefix: /other/\n"));
    assertThat(parsed.unreadable()).isTrue();
    assertThat(parsed.errors().get(0).message()).contains("duplicate key prefix");
  }

  @Test
  void unsafeTagsAreRefused() {
    ParsedSource parsed = parse("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]\n");
    assertThat(parsed.unreadable()).isTrue();
  }

  @Test
  void objectIdsFollowDocumentIndexAcrossKinds() {
    ParsedSource parsed = parse("apiVersion: getambassador.io/v2\nkind: Host\nname: h\n---\n"
        + ParserFixtures.mapping(""));
    assertThat(parsed.mappings().get(0).objectId()).isEqualTo("src.default.2");
    assertThat(parsed.objectCount()).isEqualTo(2);
  }

  @Test
  void neverThrowsOnArbitraryValues() {
    List<String> texts = List.of("[1, 2]", "42", "~", "{}", "{? [a]: b}", "a: !!binary aGVsbG8=",
        "apiVersion: ambassador/v0\nkind: Mapping\nname: m\n1: 2\nprefix: {a: b}\nservice: [x]\n");
    for (String t : texts) {
      ParsedSource parsed = parse(t);
      assertThat(parsed.mappings()).as(t).isEmpty();
    }
  }
}
