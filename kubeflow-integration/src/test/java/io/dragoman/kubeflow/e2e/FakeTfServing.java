package io.dragoman.kubeflow.e2e;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** TF Serving's REST API for two models, as the real server answers: half_plus_two and iris. */
final class FakeTfServing extends Dispatcher {
  record Seen(String method, String target, String body) {}

  static final String STATUS = "{\"model_version_status\": [{\"version\": \"123\", \"state\": \"AVAILABLE\","
      + " \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}";

  final List<Seen> seen = new CopyOnWriteArrayList<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    seen.add(new Seen(request.getMethod(), request.getTarget(), body));
    return switch (request.getMethod() + " " + request.getTarget()) {
      case "POST /v1/models/half_plus_two:predict" -> json(200, "{\"predictions\": [2.5, 3.0, 4.5]}");
      case "POST /v1/models/iris:predict" -> json(200, "{\"predictions\": [[0.9, 0.05, 0.05]]}");
      case "GET /v1/models/half_plus_two", "GET /v1/models/iris" -> json(200, STATUS);
      default -> request.getTarget().startsWith("/v1/")
          ? json(404, "{\"error\": \"Servable not found\"}")
          : new MockResponse.Builder().code(404).body("Not Found").build();
    };
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
