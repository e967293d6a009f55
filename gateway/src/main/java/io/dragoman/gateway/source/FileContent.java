package io.dragoman.gateway.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One read of a configuration file: its text, or why it could not be used ({@code error} non-empty), and a digest
 * that says whether anything changed since the last read.
 */
record FileContent(String text, String error, String digest) {
  static final int MAX_BYTES = 1024 * 1024;

  static FileContent read(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      return failed("cannot read: " + e);
    }
    if (bytes.length > MAX_BYTES) {
      return failed("size: more than " + MAX_BYTES + " bytes (expected: at most 1 MiB)");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return failed("encoding: not valid UTF-8 (expected: UTF-8 text)");
    }
    // Some Windows editors start UTF-8 files with a byte order mark; it is not part of the YAML.
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return new FileContent(text, "", sha256(bytes));
  }

  boolean readable() {
    return error.isEmpty();
  }

  private static FileContent failed(String error) {
    // The error is the digest: the same failure twice is no change, a different one is.
    return new FileContent("", error, "error: " + error);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
