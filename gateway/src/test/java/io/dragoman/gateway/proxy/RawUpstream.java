package io.dragoman.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A keep-alive HTTP/1.1 upstream on a raw server socket, for what MockWebServer cannot do: answer before reading
 * the body, or read and write slowly so that backpressure builds up in the gateway. One connection at a time.
 */
final class RawUpstream implements AutoCloseable {
  interface Handler {
    /** Answers one request whose head was read; reads the body itself (or not). */
    void handle(String head, InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final Thread thread;

  RawUpstream(Handler handler) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> serve(handler), "raw-upstream");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve(Handler handler) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        while (true) {
          String head = readHead(in);
          if (head == null) break;
          handler.handle(head, in, s.getOutputStream());
        }
      } catch (IOException e) {
        // next connection
      }
    }
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      byte[] a = b.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** The body as framed by the head (Content-Length or chunked), read slowly when {@code pauseMs} > 0. */
  static byte[] readBody(String head, InputStream in, int pauseMs) throws IOException {
    String length = header(head, "content-length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (length != null) {
      long left = Long.parseLong(length);
      byte[] buf = new byte[64 * 1024];
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) throw new IOException("body cut after " + body.size());
        body.write(buf, 0, n);
        left -= n;
        pause(pauseMs);
      }
      return body.toByteArray();
    }
    if ("chunked".equalsIgnoreCase(header(head, "transfer-encoding"))) {
      while (true) {
        int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(size));
        line(in);
        pause(pauseMs);
      }
    }
    return body.toByteArray();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') b.write(c);
    if (c < 0) throw new IOException("closed mid-line");
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  static void pause(int ms) {
    if (ms <= 0) return;
    try {
      Thread.sleep(ms); // the point is to be slow: the gateway must hold back, not buffer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void answer(OutputStream out, int status, byte[] body) throws IOException {
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
