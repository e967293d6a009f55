package io.dragoman.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Static checks of the Dockerfile: pinned bases, non-root user, exec-form entry point, both jars. */
class DockerfileTest {

  /** A tag that names a version (3.9.9-…, 17.0.15_6-…), not a moving alias such as latest or 17-jre. */
  private static final Pattern VERSIONED_TAG = Pattern.compile(".*\\d+\\.\\d+.*");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern NUMERIC_USER = Pattern.compile("(\\d+)(?::(\\d+))?");

  private final Path root = RepoRoot.find();
  private final List<Instruction> instructions = parse(read(root.resolve("Dockerfile")));

  record Instruction(String keyword, String args) {}

  @Test
  void isMultiStage() {
    assertThat(all("FROM")).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void everyBaseImageIsPinnedToAVersion() {
    List<String> stages = new ArrayList<>();
    for (Instruction from : all("FROM")) {
      String[] words = from.args().split("\\s+");
      String image = Arrays.stream(words).filter(w -> !w.startsWith("--")).findFirst().orElseThrow();
      if (!stages.contains(image)) assertPinned(image);
      if (words.length >= 3 && words[words.length - 2].equalsIgnoreCase("AS")) stages.add(words[words.length - 1]);
    }
  }

  @Test
  void finalUserIsNumericAndNotRoot() {
    List<Instruction> users = finalStage().stream().filter(i -> i.keyword().equals("USER")).toList();
    assertThat(users).as("USER in the final stage").isNotEmpty();
    var m = NUMERIC_USER.matcher(users.get(users.size() - 1).args());
    assertThat(m.matches()).as("USER %s is numeric uid[:gid]", users.get(users.size() - 1).args()).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("uid").isNotZero();
    if (m.group(2) != null) assertThat(Long.parseLong(m.group(2))).as("gid").isNotZero();
  }

  @Test
  void entryPointIsExecFormAndStartsTheGateway() {
    List<Instruction> entries = finalStage().stream()
        .filter(i -> i.keyword().equals("ENTRYPOINT") || i.keyword().equals("CMD"))
        .toList();
    assertThat(entries).isNotEmpty();
    for (Instruction i : entries) {
      assertThat(execForm(i)).as("%s must be a JSON array (exec form): %s", i.keyword(), i.args()).isNotNull();
    }
    assertThat(all("ENTRYPOINT")).singleElement()
        .satisfies(i -> assertThat(execForm(i)).containsExactly("java", "-jar", "/app/dragoman-gateway.jar"));
  }

  @Test
  void exposesPublicAndAdminPorts() {
    List<String> ports = finalStage().stream()
        .filter(i -> i.keyword().equals("EXPOSE"))
        .flatMap(i -> Arrays.stream(i.args().split("\\s+")))
        .map(p -> p.replaceFirst("/tcp$", ""))
        .toList();
    assertThat(ports).contains("8080", "8877");
  }

  @Test
  void copiesBothJarsIntoApp() {
    List<String> copies = finalStage().stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args).toList();
    assertThat(copies).anySatisfy(c -> assertThat(c)
        .contains("gateway/target/dragoman-gateway.jar").endsWith("/app/dragoman-gateway.jar"));
    assertThat(copies).anySatisfy(c -> assertThat(c)
        .contains("kubeflow-integration/target/dragoman-kubeflow.jar").endsWith("/app/dragoman-kubeflow.jar"));
  }

  @Test
  void buildStagePackagesWithMaven() {
    assertThat(instructions).anySatisfy(i -> {
      assertThat(i.keyword()).isEqualTo("RUN");
      assertThat(i.args()).contains("mvn", "-B", "-DskipTests", "package");
    });
  }

  @Test
  void setsContainerAwareJvmOptions() {
    assertThat(finalStage()).anySatisfy(i -> {
      assertThat(i.keyword()).isEqualTo("ENV");
      assertThat(i.args()).contains("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError",
          "-XX:+UseSerialGC");
    });
  }

  @Test
  void dockerignoreKeepsBuildOutputAndGitOutOfTheContext() {
    List<String> ignored = read(root.resolve(".dockerignore")).lines().map(String::strip).toList();
    assertThat(ignored).contains(".git", "**/target", "target");
  }

  private static void assertPinned(String image) {
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      assertThat(ref.substring(at + 1)).as("digest of %s", image).matches(DIGEST);
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    assertThat(colon > ref.lastIndexOf('/')).as("%s has a tag", image).isTrue();
    String tag = ref.substring(colon + 1);
    assertThat(tag.toLowerCase(Locale.ROOT)).as("tag of %s", image).isNotEqualTo("latest").matches(VERSIONED_TAG);
  }

  private static List<String> execForm(Instruction i) {
    if (!i.args().startsWith("[")) return null;
    try {
      return new ObjectMapper().readValue(i.args(), new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  private List<Instruction> finalStage() {
    int lastFrom = 0;
    for (int i = 0; i < instructions.size(); i++) if (instructions.get(i).keyword().equals("FROM")) lastFrom = i;
    return instructions.subList(lastFrom, instructions.size());
  }

  /** Instructions with continuation lines joined and comments dropped (enough for this file's syntax). */
  private static List<Instruction> parse(String dockerfile) {
    List<Instruction> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : dockerfile.lines().toList()) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) continue;
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) continue;
      String[] parts = text.split("\\s+", 2);
      String args = parts.length > 1 ? parts[1].strip() : "";
      if (parts[0].equalsIgnoreCase("RUN")) args = args.replaceFirst("^(--\\S+\\s+)+", "");
      result.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), args));
    }
    return result;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
