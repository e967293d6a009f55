package io.dragoman.gateway.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Peers allowed to tell us the original client (X-Forwarded-*, Forwarded, X-Real-IP): a list of CIDR blocks.
 * Default: nobody, so a client cannot forge its origin.
 */
public final class TrustedProxies {
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private record Block(byte[] network, int bits) {}

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** Parses entries like {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8}. IP literals only. */
  public static TrustedProxies parse(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String raw : cidrs) {
      String s = raw.trim();
      if (s.isEmpty()) continue;
      int slash = s.indexOf('/');
      String ip = slash < 0 ? s : s.substring(0, slash);
      if (!DnsResolver.isIpLiteral(ip)) {
        throw new IllegalArgumentException("trusted proxy: \"" + raw + "\" (expected: an IP address or CIDR block)");
      }
      try {
        byte[] net = InetAddress.getByName(ip).getAddress();
        int bits = slash < 0 ? net.length * 8 : Integer.parseInt(s.substring(slash + 1));
        if (bits < 0 || bits > net.length * 8) throw new NumberFormatException();
        blocks.add(new Block(net, bits));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("trusted proxy: \"" + raw + "\" (expected: an IP address or CIDR block)");
      }
    }
    return new TrustedProxies(blocks);
  }

  boolean contains(InetSocketAddress peer) {
    if (blocks.isEmpty() || peer == null || peer.getAddress() == null) return false;
    byte[] addr = peer.getAddress().getAddress();
    for (Block b : blocks) {
      if (b.network.length == addr.length && prefixMatches(b.network, addr, b.bits)) return true;
    }
    return false;
  }

  private static boolean prefixMatches(byte[] net, byte[] addr, int bits) {
    int full = bits / 8;
    for (int i = 0; i < full; i++) if (net[i] != addr[i]) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    int mask = 0xff << (8 - rest);
    return (net[full] & mask) == (addr[full] & mask);
  }
}
