package io.dragoman.gateway.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ParsedSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(1);

  @TempDir Path dir;

  private final LineParser parser = new LineParser();
  private final RecordingBuilder builder = new RecordingBuilder();
  private final ConfigStore store = new ConfigStore(parser, builder, Clock.systemUTC(), Duration.ofMillis(5));
  private final List<FileSource> sources = new ArrayList<>();

  @AfterEach
  void close() {
    sources.forEach(FileSource::close);
    store.close();
  }

  private FileSource start(Duration poll, Path... paths) {
    FileSource source = new FileSource(List.of(paths), "models", store, poll);
    sources.add(source);
    source.start();
    store.flush().orTimeout(5, TimeUnit.SECONDS).join();
    return source;
  }

  private FileSource start(Path... paths) {
    return start(Duration.ofMillis(200), paths);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private void awaitServed(Map<String, List<String>> expected) {
    await().atMost(PROMPTLY).untilAsserted(() -> assertThat(builder.served()).isEqualTo(expected));
  }

  @Test
  void loadsEveryYamlFileBelowAFolderWithKeysRelativeToIt() throws IOException {
    write(dir.resolve("a.yaml"), "a");
    write(dir.resolve("sub/b.yml"), "b");
    write(dir.resolve("sub/deeper/c.YAML"), "c");
    write(dir.resolve("notes.txt"), "not config");
    write(dir.resolve("a.yaml~"), "backup");
    write(dir.resolve(".hidden.yaml"), "hidden");
    write(dir.resolve(".git/x.yaml"), "git");
    write(dir.resolve("sub/.#b.yml"), "emacs lock");
    write(dir.resolve("sub/.b.yml.swp"), "vim swap");

    FileSource source = start(dir);

    assertThat(source.keys()).containsExactly("a.yaml", "sub/b.yml", "sub/deeper/c.YAML");
    assertThat(builder.served()).containsExactly(
        Map.entry("a.yaml", List.of("a")),
        Map.entry("sub/b.yml", List.of("b")),
        Map.entry("sub/deeper/c.YAML", List.of("c")));
    assertThat(parser.last("sub/b.yml").namespace()).isEqualTo("models");
    assertThat(parser.last("sub/b.yml").text()).isEqualTo("b");
    assertThat(parser.last("sub/b.yml").labels()).isEmpty();
  }

  @Test
  void aFileGivenDirectlyIsKeyedByItsName() throws IOException {
    Path file = write(dir.resolve("etc/routes.yaml"), "r");
    write(dir.resolve("etc/other.yaml"), "o");

    FileSource source = start(file);

    assertThat(source.keys()).containsExactly("routes.yaml");
  }

  @Test
  void keysThatTwoRootsShareArePrefixedWithTheRootName() throws IOException {
    write(dir.resolve("team-a/routes.yaml"), "a1");
    write(dir.resolve("team-a/only-a.yaml"), "a2");
    write(dir.resolve("team-b/routes.yaml"), "b1");

    FileSource source = start(dir.resolve("team-a"), dir.resolve("team-b"));

    assertThat(source.keys()).containsExactly("only-a.yaml", "team-a/routes.yaml", "team-b/routes.yaml");
  }

  @Test
  void aFileUnderTwoNestedRootsIsReadOnce() throws IOException {
    write(dir.resolve("sub/x.yaml"), "x");

    FileSource source = start(dir, dir.resolve("sub"));

    assertThat(source.keys()).containsExactly("sub/x.yaml");
  }

  @Test
  void aMissingPathIsRefusedWithItsName() {
    Path missing = dir.resolve("nope");
    FileSource source = new FileSource(List.of(missing), "models", store, Duration.ofSeconds(1));
    sources.add(source);

    assertThatThrownBy(source::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config path " + missing + " does not exist (expected: a file or folder)");
  }

  @Test
  void anEditIsPutAgainPromptly() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one");
    write(dir.resolve("b.yaml"), "two");
    start(dir);

    Files.writeString(a, "one\nuno");

    awaitServed(Map.of("a.yaml", List.of("one", "uno"), "b.yaml", List.of("two")));
    assertThat(parser.calls("b.yaml")).isEqualTo(1);
  }

  @Test
  void eventsAloneFindChangesInNewFoldersWithoutWaitingForTheRescan() throws IOException {
    write(dir.resolve("a.yaml"), "one");
    start(Duration.ofHours(1), dir);

    write(dir.resolve("new/deeper/n.yaml"), "n");
    awaitServed(Map.of("a.yaml", List.of("one"), "new/deeper/n.yaml", List.of("n")));

    Files.writeString(dir.resolve("new/deeper/n.yaml"), "n2");
    awaitServed(Map.of("a.yaml", List.of("one"), "new/deeper/n.yaml", List.of("n2")));
  }

  @Test
  void aDeletedFileIsRemovedAndANewOneAdded() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one");
    FileSource source = start(dir);

    Files.delete(a);
    write(dir.resolve("sub/b.yaml"), "two");

    awaitServed(Map.of("sub/b.yaml", List.of("two")));
    assertThat(source.keys()).containsExactly("sub/b.yaml");
  }

  @Test
  void aSaveByRenameOverIsSeen() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one");
    start(dir);

    Path temp = write(dir.resolve(".a.yaml.tmp"), "two");
    Files.move(temp, a, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    awaitServed(Map.of("a.yaml", List.of("two")));
  }

  @Test
  void aConfigMapStyleSymlinkSwapIsSeen() throws IOException {
    // The layout kubelet writes for a ConfigMap volume: visible symlinks into ..data, itself a symlink that is
    // replaced atomically on every update.
    write(dir.resolve("..2024_01/a.yaml"), "one");
    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2024_01"));
    Files.createSymbolicLink(dir.resolve("a.yaml"), Path.of("..data/a.yaml"));
    FileSource source = start(dir);
    assertThat(builder.served()).isEqualTo(Map.of("a.yaml", List.of("one")));

    write(dir.resolve("..2024_02/a.yaml"), "two");
    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2024_02"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(dir.resolve("..2024_01/a.yaml"));
    Files.delete(dir.resolve("..2024_01"));

    awaitServed(Map.of("a.yaml", List.of("two")));
    assertThat(source.keys()).containsExactly("a.yaml");
  }

  @Test
  void aBrokenEditKeepsTheLastGoodObjectsAndMarksTheSourceStale() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one\ntwo");
    start(dir);

    Files.writeString(a, "BROKEN");

    await().atMost(PROMPTLY).until(() -> builder.source("a.yaml").unreadable());
    ParsedSource source = builder.source("a.yaml");
    assertThat(source.mappings()).extracting(m -> m.name()).containsExactly("one", "two");
    assertThat(source.errors()).extracting(ConfigError::message).containsExactly("broken YAML");
  }

  @Test
  void anObjectBrokenByAnEditKeepsItsOldVersion() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one=old\ntwo");
    start(dir);

    Files.writeString(a, "!one\ntwo");

    await().atMost(PROMPTLY).until(() -> !builder.source("a.yaml").errors().isEmpty());
    assertThat(builder.source("a.yaml").mappings()).extracting(m -> m.name() + "=" + m.service().host())
        .containsExactly("two=svc", "one=old");
  }

  @Test
  void bytesThatAreNotUtf8KeepTheLastGoodObjects() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one");
    start(dir);

    Files.write(a, new byte[] {'t', 'w', 'o', (byte) 0xC3, (byte) 0x28});

    await().atMost(PROMPTLY).until(() -> builder.source("a.yaml").unreadable());
    assertThat(builder.source("a.yaml").mappings()).extracting(m -> m.name()).containsExactly("one");
    assertThat(builder.source("a.yaml").errors()).containsExactly(
        new ConfigError("a.yaml", "a.yaml", "", "encoding: not valid UTF-8 (expected: UTF-8 text)"));
  }

  @Test
  void aFileOverOneMebibyteIsAnErrorAndNotParsed() throws IOException {
    Files.write(dir.resolve("big.yaml"), new byte[FileContent.MAX_BYTES + 1]);
    write(dir.resolve("small.yaml"), "s");

    start(dir);

    assertThat(builder.source("big.yaml").errors()).extracting(ConfigError::message)
        .containsExactly("size: more than 1048576 bytes (expected: at most 1 MiB)");
    assertThat(builder.source("big.yaml").unreadable()).isTrue();
    assertThat(parser.calls("big.yaml")).isZero();
    assertThat(builder.served().get("small.yaml")).containsExactly("s");
  }

  @Test
  void aUtf8ByteOrderMarkIsDropped() throws IOException {
    Files.write(dir.resolve("a.yaml"), "\uFEFFone".getBytes(StandardCharsets.UTF_8));

    start(dir);

    assertThat(parser.last("a.yaml").text()).isEqualTo("one");
  }

  @Test
  void aSameSizeEditThatKeepsTheModificationTimeIsStillSeen() throws IOException {
    // File systems with coarse timestamps give two quick writes the same time; a fresh file is not trusted on it.
    FileTime time = FileTime.from(Instant.now());
    Path a = write(dir.resolve("a.yaml"), "aaa");
    Files.setLastModifiedTime(a, time);
    start(dir);

    Files.writeString(a, "bbb");
    Files.setLastModifiedTime(a, time);

    awaitServed(Map.of("a.yaml", List.of("bbb")));
  }

  @Test
  void aTouchWithoutAChangeIsNotPutAgain() throws IOException {
    Path a = write(dir.resolve("a.yaml"), "one");
    Path b = write(dir.resolve("b.yaml"), "two");
    start(dir);

    Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(60)));
    Files.writeString(b, "three");

    awaitServed(Map.of("a.yaml", List.of("one"), "b.yaml", List.of("three")));
    // Every rescan compares every file, so the one that saw b's edit also saw a's new time, read a, found it equal.
    assertThat(parser.calls("a.yaml")).isEqualTo(1);
    assertThat(parser.calls("b.yaml")).isEqualTo(2);
  }

  @Test
  void closeStopsTheWatcherThread() throws IOException {
    write(dir.resolve("a.yaml"), "one");
    Set<Thread> before = fileSourceThreads();
    FileSource source = start(dir);
    Set<Thread> ours = fileSourceThreads();
    ours.removeAll(before);
    assertThat(ours).hasSize(1);
    assertThat(ours.iterator().next().isDaemon()).isTrue();

    source.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> ours.stream().noneMatch(Thread::isAlive));
  }

  private static Set<Thread> fileSourceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("dragoman-file-source"))
        .collect(Collectors.toSet());
  }
}
