package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class CircuitBreakerStateTest {

  @Test
  void withoutBreakersEnvoysDefaultsApply() {
    assertThat(CircuitBreakerState.of(List.of()).limits()).isEqualTo(new CircuitBreaker(1024, 1024, 1024, 3));
  }

  @Test
  void theFirstBreakerApplies() {
    CircuitBreaker first = new CircuitBreaker(1, 2, 3, 4);
    assertThat(CircuitBreakerState.of(List.of(first, new CircuitBreaker(9, 9, 9, 9))).limits()).isEqualTo(first);
  }

  @Test
  void requestsOverTheLimitOverflowUntilOneEnds() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(10, 10, 2, 3));
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.tryStartRequest()).isFalse();
    assertThat(s.activeRequests()).isEqualTo(2);
    s.endRequest();
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.activeRequests()).isEqualTo(2);
  }

  @Test
  void zeroPendingMeansNoRequestMayWait() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(1, 0, 1, 0));
    assertThat(s.tryStartPending()).isFalse();
    assertThat(s.pendingRequests()).isZero();
  }

  @Test
  void pendingRequestsAreLimited() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(1, 1, 5, 3));
    assertThat(s.tryStartPending()).isTrue();
    assertThat(s.tryStartPending()).isFalse();
    s.endPending();
    assertThat(s.tryStartPending()).isTrue();
  }

  @Test
  void retriesAreLimitedAcrossRequests() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(10, 10, 10, 3));
    assertThat(s.tryStartRetry()).isTrue();
    assertThat(s.tryStartRetry()).isTrue();
    assertThat(s.tryStartRetry()).isTrue();
    assertThat(s.tryStartRetry()).isFalse();
    assertThat(s.activeRetries()).isEqualTo(3);
    s.endRetry();
    assertThat(s.tryStartRetry()).isTrue();
  }

  @Test
  void zeroMaxRetriesForbidsRetries() {
    assertThat(new CircuitBreakerState(new CircuitBreaker(1, 1, 1, 0)).tryStartRetry()).isFalse();
  }

  @Test
  void connectionsAreCountedAndLimited() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(2, 10, 10, 3));
    assertThat(s.canOpenConnection()).isTrue();
    assertThat(s.tryOpenConnection()).isTrue();
    s.connectionOpened();
    assertThat(s.openConnections()).isEqualTo(2);
    assertThat(s.canOpenConnection()).isFalse();
    assertThat(s.tryOpenConnection()).isFalse();
    s.connectionClosed();
    assertThat(s.canOpenConnection()).isTrue();
  }

  @Test
  void connectionsOpenedWithoutAskingMayPassTheLimitAndBlockNewOnes() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(1, 10, 10, 3));
    s.connectionOpened();
    s.connectionOpened();
    assertThat(s.openConnections()).isEqualTo(2);
    s.connectionClosed();
    assertThat(s.canOpenConnection()).isFalse();
    s.connectionClosed();
    assertThat(s.canOpenConnection()).isTrue();
  }

  @Test
  void anUnpairedEndNeverMakesRoomBeyondTheLimit() {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(1, 1, 1, 1));
    s.endRequest();
    s.endPending();
    s.endRetry();
    s.connectionClosed();
    assertThat(s.activeRequests()).isZero();
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.tryStartRequest()).isFalse();
  }

  @Test
  void overflowAnswerIs503Uo() {
    assertThat(CircuitBreakerState.OVERFLOW_STATUS).isEqualTo(503);
    assertThat(CircuitBreakerState.OVERFLOW_REASON).isEqualTo("UO");
  }

  @Test
  void manyThreadsNeverExceedTheRequestLimit() throws Exception {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(10, 10, 7, 3));
    assertLimitHolds(s::tryStartRequest, s::endRequest, s::activeRequests, 7);
  }

  @Test
  void manyThreadsNeverExceedTheRetryLimit() throws Exception {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(10, 10, 10, 3));
    assertLimitHolds(s::tryStartRetry, s::endRetry, s::activeRetries, 3);
  }

  @Test
  void manyThreadsNeverExceedTheConnectionLimit() throws Exception {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(5, 10, 10, 3));
    assertLimitHolds(s::tryOpenConnection, s::connectionClosed, s::openConnections, 5);
  }

  @Test
  void manyThreadsNeverShareASingleSlot() throws Exception {
    CircuitBreakerState s = new CircuitBreakerState(new CircuitBreaker(1, 1, 1, 1));
    assertLimitHolds(s::tryStartPending, s::endPending, s::pendingRequests, 1);
  }

  /** 16 threads start and end as fast as they can; each holder counts itself in, so overshoot would show. */
  private static void assertLimitHolds(
      BooleanSupplier start, Runnable end, java.util.function.IntSupplier count, int limit) throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger holders = new AtomicInteger();
      AtomicInteger maxHolders = new AtomicInteger();
      AtomicInteger granted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 20_000; i++) {
            if (!start.getAsBoolean()) {
              refused.incrementAndGet();
              continue;
            }
            granted.incrementAndGet();
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            maxHolders.accumulateAndGet(count.getAsInt(), Math::max);
            holders.decrementAndGet();
            end.run();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
      assertThat(maxHolders.get()).isLessThanOrEqualTo(limit).isPositive();
      assertThat(granted.get() + refused.get()).isEqualTo(threads * 20_000);
      assertThat(count.getAsInt()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
