package io.dragoman.gateway.app;

import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.proxy.ProxySettings;
import io.dragoman.gateway.routing.UpstreamPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gateway's settings from flags and environment variables: a flag wins over the environment, the environment
 * over the default. The names are a contract (DESIGN.md): manifests and scripts rely on them.
 */
public record GatewayConfig(
    List<Path> configPaths,
    boolean kubernetes,
    String namespace,
    boolean singleNamespace,
    Optional<String> labelSelector,
    String ambassadorId,
    int port,
    int adminPort,
    String adminAddress,
    AccessLog.Format accessLog,
    List<String> trustedProxies,
    Duration drainDelay,
    Duration drainTimeout,
    boolean help,
    String address,
    UpstreamPolicy upstreamPolicy,
    Optional<Path> upstreamCaBundle,
    int ioThreads,
    ProxySettings.Http1Server http1Server,
    ListenerFlags limits) {

  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  public GatewayConfig {
    configPaths = List.copyOf(configPaths);
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(labelSelector, "labelSelector");
    Objects.requireNonNull(ambassadorId, "ambassadorId");
    Objects.requireNonNull(adminAddress, "adminAddress");
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(upstreamPolicy, "upstreamPolicy");
    Objects.requireNonNull(upstreamCaBundle, "upstreamCaBundle");
    Objects.requireNonNull(http1Server, "http1Server");
    Objects.requireNonNull(limits, "limits");
  }

  static final String USAGE =
      """
      Usage: java -jar dragoman-gateway.jar [options]

        --config PATH           file or folder of YAML (repeatable; env DRAGOMAN_CONFIG, comma-separated)
        --kubernetes            watch annotated Services in the cluster (env DRAGOMAN_KUBERNETES=true;
                                default: on inside a pod)
        --namespace NS          the gateway's own namespace (env AMBASSADOR_NAMESPACE; default: the pod's, else default)
        --single-namespace      watch only the gateway's namespace (env AMBASSADOR_SINGLE_NAMESPACE, non-empty)
        --label-selector K=V    only Services with this label (env AMBASSADOR_LABEL_SELECTOR)
        --ambassador-id ID      only objects whose ambassador_id includes ID (env AMBASSADOR_ID; default: default)
        --port N                public listener (env DRAGOMAN_PORT; default 8080)
        --admin-port N          admin listener (env DRAGOMAN_ADMIN_PORT; default 8877)
        --admin-address A       admin bind address (env DRAGOMAN_ADMIN_ADDRESS; default 127.0.0.1, 0.0.0.0 in a pod)
        --access-log FORMAT     text, json or off (env DRAGOMAN_ACCESS_LOG; default text)
        --trusted-proxies LIST  CIDRs allowed to set X-Forwarded-* (env DRAGOMAN_TRUSTED_PROXIES; default: none)
        --drain-seconds N       on SIGTERM, keep serving N s while endpoints converge (env DRAGOMAN_DRAIN_SECONDS; 5)
        --address A             public listener bind address (env DRAGOMAN_ADDRESS; default 0.0.0.0)
        --allowed-upstream-namespaces LIST
                                Mappings may only target services in these namespaces
                                (env DRAGOMAN_ALLOWED_UPSTREAM_NAMESPACES, comma-separated; default: any)
        --prefix-ownership      a match claimed by one namespace is refused to others
                                (env DRAGOMAN_PREFIX_OWNERSHIP=true)
        --io-threads N          I/O threads of the public listener (env DRAGOMAN_IO_THREADS; default: one per core)
        --http1-server own|undertow
                                who reads clear-text HTTP/1.1 requests: the gateway's own server (faster; hands
                                what it does not serve to Undertow) or Undertow for all (env DRAGOMAN_HTTP1_SERVER;
                                default own)
        --upstream-ca-bundle PATH
                                PEM file of CA certificates trusted for https:// upstreams, besides the JVM's
                                (env DRAGOMAN_UPSTREAM_CA_BUNDLE)
        --allow-link-local-upstreams
                                allow link-local and cloud metadata upstreams (env DRAGOMAN_ALLOW_LINK_LOCAL_UPSTREAMS=true)
        --max-header-bytes N    request line + headers (env DRAGOMAN_MAX_HEADER_BYTES; 61440) -> 431
        --max-headers N         header fields (env DRAGOMAN_MAX_HEADERS; 100) -> 431
        --max-uri-bytes N       request target (env DRAGOMAN_MAX_URI_BYTES; 8192) -> 414
        --request-head-timeout-ms N
                                time to receive a request head (env DRAGOMAN_REQUEST_HEAD_TIMEOUT_MS; 10000)
        --idle-timeout-ms N     idle keep-alive connection (env DRAGOMAN_IDLE_TIMEOUT_MS; 3600000)
        --max-request-body-bytes N
                                default body limit per route (env DRAGOMAN_MAX_REQUEST_BODY_BYTES; 33554432) -> 413
        --help                  this text

      With no --config and no cluster, the gateway serves examples/local from the working directory.
      """;

  /** Parses flags over the environment. Throws IllegalArgumentException with a message for the user. */
  public static GatewayConfig parse(String[] args, Map<String, String> env) {
    boolean inPod = env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isDirectory(SERVICE_ACCOUNT);
    List<Path> config = new ArrayList<>();
    Boolean kubernetes = null;
    String namespace = null;
    Boolean single = null;
    String selector = null;
    String id = null;
    Integer port = null;
    Integer adminPort = null;
    String adminAddress = null;
    String accessLog = null;
    String trusted = null;
    Integer drain = null;
    boolean help = false;
    String address = null;
    String allowedNamespaces = null;
    Boolean ownership = null;
    Boolean linkLocal = null;
    String caBundle = null;
    Integer ioThreads = null;
    String http1Server = null;
    Map<String, Long> limits = new java.util.HashMap<>();

    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--kubernetes" -> kubernetes = value == null || Boolean.parseBoolean(value);
        case "--single-namespace" -> single = value == null || Boolean.parseBoolean(value);
        case "--config" -> config.add(Path.of(value != null ? value : next(args, ++i, arg)));
        case "--namespace" -> namespace = value != null ? value : next(args, ++i, arg);
        case "--label-selector" -> selector = value != null ? value : next(args, ++i, arg);
        case "--ambassador-id" -> id = value != null ? value : next(args, ++i, arg);
        case "--port" -> port = port(arg, value != null ? value : next(args, ++i, arg));
        case "--admin-port" -> adminPort = port(arg, value != null ? value : next(args, ++i, arg));
        case "--admin-address" -> adminAddress = value != null ? value : next(args, ++i, arg);
        case "--access-log" -> accessLog = value != null ? value : next(args, ++i, arg);
        case "--trusted-proxies" -> trusted = value != null ? value : next(args, ++i, arg);
        case "--drain-seconds" -> drain = nonNegative(arg, value != null ? value : next(args, ++i, arg));
        case "--address" -> address = value != null ? value : next(args, ++i, arg);
        case "--allowed-upstream-namespaces" -> allowedNamespaces = value != null ? value : next(args, ++i, arg);
        case "--prefix-ownership" -> ownership = value == null || Boolean.parseBoolean(value);
        case "--http1-server" -> http1Server = value != null ? value : next(args, ++i, arg);
        case "--io-threads" -> ioThreads = nonNegative(arg, value != null ? value : next(args, ++i, arg));
        case "--upstream-ca-bundle" -> caBundle = value != null ? value : next(args, ++i, arg);
        case "--allow-link-local-upstreams" -> linkLocal = value == null || Boolean.parseBoolean(value);
        default -> {
          if (!ListenerFlags.NAMES.containsKey(arg)) {
            throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
          }
          limits.put(arg, positive(arg, value != null ? value : next(args, ++i, arg)));
        }
      }
    }

    if (config.isEmpty() && notBlank(env.get("DRAGOMAN_CONFIG"))) {
      for (String p : env.get("DRAGOMAN_CONFIG").split(",")) if (!p.isBlank()) config.add(Path.of(p.trim()));
    }
    if (kubernetes == null) {
      String k = env.get("DRAGOMAN_KUBERNETES");
      kubernetes = notBlank(k) ? Boolean.parseBoolean(k.trim()) : inPod;
    }
    if (namespace == null) namespace = envOr(env, "AMBASSADOR_NAMESPACE", null);
    if (namespace == null) namespace = podNamespace().orElse("default");
    if (single == null) single = notBlank(env.get("AMBASSADOR_SINGLE_NAMESPACE"));
    if (selector == null) selector = envOr(env, "AMBASSADOR_LABEL_SELECTOR", null);
    if (id == null) id = envOr(env, "AMBASSADOR_ID", "default");
    if (port == null) port = port("DRAGOMAN_PORT", envOr(env, "DRAGOMAN_PORT", "8080"));
    if (adminPort == null) adminPort = port("DRAGOMAN_ADMIN_PORT", envOr(env, "DRAGOMAN_ADMIN_PORT", "8877"));
    if (adminAddress == null) adminAddress = envOr(env, "DRAGOMAN_ADMIN_ADDRESS", inPod ? "0.0.0.0" : "127.0.0.1");
    if (accessLog == null) accessLog = envOr(env, "DRAGOMAN_ACCESS_LOG", "text");
    if (trusted == null) trusted = envOr(env, "DRAGOMAN_TRUSTED_PROXIES", "");
    if (drain == null) drain = nonNegative("DRAGOMAN_DRAIN_SECONDS", envOr(env, "DRAGOMAN_DRAIN_SECONDS", "5"));

    if (address == null) address = envOr(env, "DRAGOMAN_ADDRESS", "0.0.0.0");
    if (allowedNamespaces == null) allowedNamespaces = envOr(env, "DRAGOMAN_ALLOWED_UPSTREAM_NAMESPACES", "");
    if (ownership == null) ownership = Boolean.parseBoolean(envOr(env, "DRAGOMAN_PREFIX_OWNERSHIP", "false"));
    if (linkLocal == null) linkLocal = Boolean.parseBoolean(envOr(env, "DRAGOMAN_ALLOW_LINK_LOCAL_UPSTREAMS", "false"));
    if (caBundle == null) caBundle = envOr(env, "DRAGOMAN_UPSTREAM_CA_BUNDLE", null);
    if (http1Server == null) http1Server = envOr(env, "DRAGOMAN_HTTP1_SERVER", null);
    if (ioThreads == null) ioThreads = nonNegative("DRAGOMAN_IO_THREADS", envOr(env, "DRAGOMAN_IO_THREADS", "0"));
    for (Map.Entry<String, String> name : ListenerFlags.NAMES.entrySet()) {
      String v = envOr(env, name.getValue(), null);
      if (!limits.containsKey(name.getKey()) && v != null) limits.put(name.getKey(), positive(name.getValue(), v));
    }
    Set<String> namespaces = new TreeSet<>();
    for (String n : allowedNamespaces.split(",")) if (!n.isBlank()) namespaces.add(n.trim());

    if (selector != null && !selector.matches("[^=,\\s]+=[^=,\\s]*")) {
      throw new IllegalArgumentException("--label-selector: \"" + selector + "\" (expected: key=value)");
    }
    List<String> trustedList = new ArrayList<>();
    for (String t : trusted.split(",")) if (!t.isBlank()) trustedList.add(t.trim());

    return new GatewayConfig(
        config,
        kubernetes,
        namespace,
        single,
        Optional.ofNullable(selector),
        id,
        port,
        adminPort,
        adminAddress,
        accessLogFormat(accessLog),
        trustedList,
        Duration.ofSeconds(drain),
        Duration.ofSeconds(30),
        help,
        address,
        new UpstreamPolicy(linkLocal, false, namespaces, ownership),
        Optional.ofNullable(caBundle).map(Path::of),
        ioThreads,
        http1Server(http1Server),
        ListenerFlags.of(limits));
  }

  private static ProxySettings.Http1Server http1Server(String s) {
    if (s == null) return ProxySettings.Http1Server.byDefault();
    try {
      return ProxySettings.Http1Server.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--http1-server: \"" + s + "\" (expected: own or undertow)");
    }
  }

  private static AccessLog.Format accessLogFormat(String s) {
    try {
      return AccessLog.Format.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--access-log: \"" + s + "\" (expected: text, json or off)");
    }
  }

  private static Optional<String> podNamespace() {
    try {
      Path ns = SERVICE_ACCOUNT.resolve("namespace");
      return Files.isReadable(ns) ? Optional.of(Files.readString(ns).trim()) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value (see --help)");
    }
    return args[i];
  }

  private static int port(String name, String value) {
    try {
      int p = Integer.parseInt(value.trim());
      if (p >= 0 && p <= 65535) return p;
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: a port number 0-65535)");
  }

  private static int nonNegative(String name, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) return n;
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: a whole number >= 0)");
  }

  private static long positive(String name, String value) {
    try {
      long n = Long.parseLong(value.trim());
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: a whole number > 0)");
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String envOr(Map<String, String> env, String key, String fallback) {
    String v = env.get(key);
    return notBlank(v) ? v.trim() : fallback;
  }
}
