package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A TF Serving container found in a Service's pods, with what its command line says.
 *
 * @param modelNameArg {@code --model_name}, or empty
 * @param modelConfigFile the server reads its models from {@code --model_config_file}, so no single name is known
 * @param modelNameEnv the {@code MODEL_NAME} variable, or empty
 * @param restPort {@code --rest_api_port}, else 8501 for the official image's entry point, else empty
 * @param ports the container's declared ports (for named target ports)
 */
record ServingContainer(
    Optional<String> modelNameArg,
    boolean modelConfigFile,
    Optional<String> modelNameEnv,
    OptionalInt restPort,
    List<ContainerPort> ports) {

  static final int OFFICIAL_REST_PORT = 8501;
  private static final String BINARY = "tensorflow_model_server";
  // Any registry and tag, and the -gpu variants (tensorflow/serving:2.14.1-gpu, tensorflow/serving-gpu).
  private static final Pattern IMAGE =
      Pattern.compile("(?:[^/@]+/)*tensorflow/serving(?:-gpu)?(?::[\\w][\\w.-]*)?(?:@sha256:[0-9a-f]+)?");

  ServingContainer {
    ports = List.copyOf(ports);
  }

  /** The serving container of the newest pod that has one. */
  static Optional<ServingContainer> find(List<Pod> pods) {
    List<Pod> newestFirst = new ArrayList<>(pods);
    newestFirst.sort(Comparator.comparing(ServingContainer::created).reversed());
    for (Pod pod : newestFirst) {
      if (pod.getSpec() == null || pod.getSpec().getContainers() == null) continue;
      for (Container c : pod.getSpec().getContainers()) {
        Optional<ServingContainer> found = of(c);
        if (found.isPresent()) return found;
      }
    }
    return Optional.empty();
  }

  static Optional<ServingContainer> of(Container c) {
    List<String> tokens = tokens(c);
    boolean image = c.getImage() != null && IMAGE.matcher(c.getImage()).matches();
    boolean binary = tokens.stream().anyMatch(t -> t.equals(BINARY) || t.endsWith("/" + BINARY));
    if (!image && !binary) return Optional.empty();
    Optional<String> restArg = flag(tokens, "rest_api_port");
    OptionalInt rest = OptionalInt.empty();
    if (restArg.isPresent() && restArg.get().matches("[0-9]{1,5}")) {
      rest = OptionalInt.of(Integer.parseInt(restArg.get()));
    } else if (image && !binary) {
      rest = OptionalInt.of(OFFICIAL_REST_PORT); // the image's entry point passes --rest_api_port=8501
    }
    return Optional.of(new ServingContainer(
        flag(tokens, "model_name").filter(s -> !s.isEmpty()),
        flag(tokens, "model_config_file").isPresent(),
        env(c, "MODEL_NAME"),
        rest,
        c.getPorts() == null ? List.of() : c.getPorts()));
  }

  /** Command and args, each also split on blanks so that {@code sh -c "tensorflow_model_server ..."} counts. */
  private static List<String> tokens(Container c) {
    List<String> out = new ArrayList<>();
    for (List<String> part : List.of(nonNull(c.getCommand()), nonNull(c.getArgs()))) {
      for (String s : part) {
        if (s == null) continue;
        for (String t : s.trim().split("\\s+")) if (!t.isEmpty()) out.add(t);
      }
    }
    return out;
  }

  /** {@code --name=value}, {@code -name=value} or {@code --name value}; the last one wins, as in TF's flag parser. */
  private static Optional<String> flag(List<String> tokens, String name) {
    Optional<String> found = Optional.empty();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      for (String dash : List.of("--", "-")) {
        if (t.startsWith(dash + name + "=")) {
          found = Optional.of(unquote(t.substring(dash.length() + name.length() + 1)));
        } else if (t.equals(dash + name) && i + 1 < tokens.size()) {
          found = Optional.of(unquote(tokens.get(i + 1)));
        }
      }
    }
    return found;
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static Optional<String> env(Container c, String name) {
    if (c.getEnv() == null) return Optional.empty();
    return c.getEnv().stream()
        .filter(e -> name.equals(e.getName()) && e.getValue() != null && !e.getValue().isEmpty())
        .map(EnvVar::getValue)
        .reduce((a, b) -> b);
  }

  private static String created(Pod p) {
    String t = p.getMetadata() == null ? null : p.getMetadata().getCreationTimestamp();
    return t == null ? "" : t; // RFC 3339 in UTC sorts as text
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }
}
