package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 limits over raw frames, h2c with prior knowledge on the public listener itself (the way gRPC clients
 * connect; see {@link HardeningH2cTest} for the refused upgrade).
 */
class HardeningHttp2Test {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, GOAWAY = 0x7;
  private static final int CONTINUATION = 0x9;
  private static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;

  private HardeningRig rig;
  private int port;

  @BeforeEach
  void start() throws IOException {
    rig = new HardeningRig();
    port = rig.proxy.port();
  }

  @AfterEach
  void stop() throws IOException {
    rig.close();
  }

  @Test
  void settingsAdvertiseTheStreamAndHeaderLimits() throws Exception {
    try (Socket socket = connect()) {
      Frame settings = readFrame(socket);

      assertThat(settings.type).isEqualTo(SETTINGS);
      Map<Integer, Long> values = settingsValues(settings.payload);
      assertThat(values).containsEntry(0x3, 100L); // SETTINGS_MAX_CONCURRENT_STREAMS
      // Undertow advertises min(our 60 KiB, its io.undertow.http2-max-header-size default of 20,000 bytes)
      assertThat(values).containsEntry(0x6, 20_000L); // SETTINGS_MAX_HEADER_LIST_SIZE
    }
  }

  @Test
  void aRequestIsAnswered() throws Exception {
    try (Socket socket = connect()) {
      handshake(socket);
      writeFrame(socket, HEADERS, END_HEADERS | END_STREAM, 1, requestHeaders());

      Frame response = skipTo(socket, HEADERS);

      assertThat(response.stream).isEqualTo(1);
      assertThat(response.payload[0]).as(":status 200 (HPACK static index 8)").isEqualTo((byte) 0x88);
      assertThat(rig.upstream.takeRequest().getTarget()).isEqualTo("/");
    }
  }

  /** Rapid reset (CVE-2023-44487): opening and cancelling streams in a loop ends in GOAWAY, not unbounded work. */
  @Test
  void rapidResetEndsInGoaway() throws Exception {
    try (Socket socket = connect()) {
      handshake(socket);
      // 300 open-and-cancel pairs in one write: past the limit of 200, and small enough that the server has read
      // everything before it closes (unread bytes would turn its close into a reset that loses the GOAWAY).
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      for (int stream = 1; stream < 2 * 300; stream += 2) {
        flood.write(frame(HEADERS, END_HEADERS, stream, requestHeaders()));
        flood.write(frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8})); // CANCEL
      }
      socket.getOutputStream().write(flood.toByteArray());

      Frame goaway = skipToGoaway(socket);
      assertThat(errorCode(goaway)).isEqualTo(0xb); // ENHANCE_YOUR_CALM
      assertThat(lastStream(goaway)).isEqualTo(2 * 200 + 1); // stream 401 is the 201st reset: over 200 per window
    }
  }

  /** A header block that never ends: CONTINUATION frames past the header limit end the connection. */
  @Test
  void continuationFloodIsBounded() throws Exception {
    try (Socket socket = connect()) {
      handshake(socket);
      byte[] filler = literalHeader("x-filler", "v".repeat(1000));
      // 30 KB of header block in one write: past the 20,000-byte limit, all read before the server closes.
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      flood.write(frame(HEADERS, 0, 1, requestHeaders()));
      for (int i = 0; i < 30; i++) flood.write(frame(CONTINUATION, 0, 1, filler));
      socket.getOutputStream().write(flood.toByteArray());

      Frame goaway = skipToGoaway(socket);
      assertThat(errorCode(goaway)).isEqualTo(0x1); // PROTOCOL_ERROR: the header block outgrew its limit
      assertThat(lastStream(goaway)).isZero(); // stream 1 was never accepted
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5_000);
    OutputStream out = socket.getOutputStream();
    out.write(PREFACE);
    writeFrame(socket, SETTINGS, 0, 0, new byte[0]);
    return socket;
  }

  private static void handshake(Socket socket) throws IOException {
    skipTo(socket, SETTINGS);
    writeFrame(socket, SETTINGS, ACK, 0, new byte[0]);
  }

  /** :method GET, :scheme http, :path / from the static table, :authority "a" as a literal. */
  private static byte[] requestHeaders() {
    return new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x01, 0x01, 'a'};
  }

  private static byte[] literalHeader(String name, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x00); // literal without indexing, new name
    writeString(b, name);
    writeString(b, value);
    return b.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    if (bytes.length < 127) {
      b.write(bytes.length);
    } else {
      b.write(127);
      int rest = bytes.length - 127;
      while (rest >= 128) {
        b.write((rest & 0x7f) | 0x80);
        rest >>= 7;
      }
      b.write(rest);
    }
    b.write(bytes, 0, bytes.length);
  }

  private static void writeFrame(Socket socket, int type, int flags, int stream, byte[] payload) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(frame(type, flags, stream, payload));
    out.flush();
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >> 16);
    f[1] = (byte) (payload.length >> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >> 24);
    f[6] = (byte) (stream >> 16);
    f[7] = (byte) (stream >> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  private record Frame(int type, int flags, int stream, byte[] payload) {}

  private static Frame readFrame(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  private static Frame skipTo(Socket socket, int type) throws IOException {
    while (true) {
      Frame f = readFrame(socket);
      if (f.type == type && (type != SETTINGS || (f.flags & ACK) == 0)) return f;
    }
  }

  /** The GOAWAY frame; a read timeout (the server kept going) or a close without one fails the test. */
  private static Frame skipToGoaway(Socket socket) throws IOException {
    while (true) {
      Frame f = readFrame(socket);
      if (f.type == GOAWAY) return f;
    }
  }

  private static int lastStream(Frame goaway) {
    return readInt(goaway.payload, 0) & 0x7fffffff;
  }

  private static int errorCode(Frame goaway) {
    return readInt(goaway.payload, 4);
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static Map<Integer, Long> settingsValues(byte[] payload) {
    Map<Integer, Long> values = new HashMap<>();
    for (int i = 0; i + 6 <= payload.length; i += 6) {
      int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
      long v = ((long) (payload[i + 2] & 0xff) << 24) | ((payload[i + 3] & 0xff) << 16)
          | ((payload[i + 4] & 0xff) << 8) | (payload[i + 5] & 0xff);
      values.put(id, v);
    }
    return values;
  }
}
