package io.dragoman.gateway.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

class KubernetesClientSettingsTest {
  @Test
  void theClientFailsRequestsWithinSecondsAndReconnectsForever() {
    Config config =
        KubernetesSource.tune(new ConfigBuilder(Config.empty()).withMasterUrl("https://10.0.0.1:443").build());

    assertThat(config.getRequestTimeout()).isEqualTo(10_000);
    assertThat(config.getConnectionTimeout()).isEqualTo(5_000);
    assertThat(config.getWatchReconnectInterval()).isEqualTo(1_000);
    assertThat(config.getWatchReconnectLimit()).isEqualTo(-1);
    assertThat(config.getRequestRetryBackoffLimit()).isEqualTo(2);
    assertThat(config.getRequestRetryBackoffInterval()).isEqualTo(200);
    assertThat(config.getMasterUrl()).isEqualTo("https://10.0.0.1:443/");
  }
}
