package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dragoman.gateway.mapping.Mapping;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code grpc: true}: a real grpc-java client, through the gateway over h2c, to a real grpc-java server. */
class GrpcProxyTest {
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ProxyHarness gateway;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService()).build().start();
    health.setStatus("models.Predict", ServingStatus.SERVING);
    health.setStatus("models.Train", ServingStatus.NOT_SERVING);
    gateway = new ProxyHarness();
    gateway.routes(Mapping.builder("health", "/grpc.health.v1.Health/",
            gateway.service("health.grpc", 50051, server.getPort()))
        .forward(ProxyHarness.forward("", OptionalLong.of(5000), true, List.of())).build());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    gateway.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private HealthGrpc.HealthBlockingStub stub() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void unaryCallPassesThroughWithItsStatus() {
    HealthCheckResponse serving = stub().check(HealthCheckRequest.newBuilder().setService("models.Predict").build());
    HealthCheckResponse notServing = stub().check(HealthCheckRequest.newBuilder().setService("models.Train").build());

    assertThat(serving.getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(notServing.getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(gateway.listener.counts).isEmpty();
  }

  @Test
  void errorStatusInTrailersReachesTheClient() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).isEqualTo("unknown service no.such.Service");
  }

  @Test
  void manyCallsReuseTheUpstreamConnection() {
    for (int i = 0; i < 20; i++) {
      assertThat(stub().check(HealthCheckRequest.newBuilder().setService("models.Predict").build()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }
  }
}
