package io.dragoman.kubeflow.controller;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What should happen to one Service, as a value.
 *
 * @param annotations with {@link Action#APPLY}: the controller's keys and their values (every owned key not in it
 *     is removed); empty otherwise
 */
public record Decision(Action action, Map<String, String> annotations, Optional<Notice> notice) {
  public enum Action {
    /** Make the controller's annotations exactly {@code annotations}. */
    APPLY,
    /** Remove every annotation the controller owns. */
    REMOVE,
    /** Write nothing. */
    LEAVE
  }

  public Decision {
    Objects.requireNonNull(action, "action");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(notice, "notice");
    if (action != Action.APPLY && !annotations.isEmpty()) {
      throw new IllegalArgumentException("annotations: " + annotations.keySet() + " (expected: none with " + action
          + ")");
    }
  }

  static Decision apply(Map<String, String> annotations, Notice notice) {
    return new Decision(Action.APPLY, annotations, Optional.of(notice));
  }

  static Decision remove(Notice notice) {
    return new Decision(Action.REMOVE, Map.of(), Optional.of(notice));
  }

  static Decision leave() {
    return new Decision(Action.LEAVE, Map.of(), Optional.empty());
  }

  static Decision leave(Notice notice) {
    return new Decision(Action.LEAVE, Map.of(), Optional.of(notice));
  }
}
