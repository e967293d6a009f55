package io.dragoman.kubeflow.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** What a user sees when there is no cluster or no permission. */
class ModelsCommandErrorsTest {
  private static KubernetesClient clientFor(String url) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(2000).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Test
  void noClusterIsSaidPlainly() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (KubernetesClient client = clientFor("http://127.0.0.1:" + closed)) {
      Cli run = Cli.run(client, "list");
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err()).startsWith("models: no Kubernetes cluster reachable at http://127.0.0.1:" + closed + "/ (")
          .endsWith("); set KUBECONFIG or run inside a cluster\n");
    }
  }

  @Test
  void forbiddenIsSaidPlainly() throws IOException {
    try (MockWebServer api = new MockWebServer()) {
      api.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(403).addHeader("Content-Type", "application/json")
              .body("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                  + "\"code\":403,\"message\":\"deployments.apps \\\"m\\\" is forbidden: User \\\"alice\\\" cannot"
                  + " patch resource \\\"deployments\\\" in API group \\\"apps\\\" in the namespace \\\"kubeflow\\\"\"}")
              .build();
        }
      });
      api.start();
      String url = "http://127.0.0.1:" + api.getPort() + "/";
      try (KubernetesClient client = clientFor(url)) {
        Cli run = Cli.run(client, "deploy", "m", "--model-base-path", "/models/m");
        assertThat(run).isEqualTo(new Cli(1, "", "models: permission denied by the API server at " + url
            + ": deployments.apps \"m\" is forbidden: User \"alice\" cannot patch resource \"deployments\" in API"
            + " group \"apps\" in the namespace \"kubeflow\" (the account needs get/list/create/update/patch on"
            + " deployments and services, list on pods)\n"));
      }
    }
  }
}
