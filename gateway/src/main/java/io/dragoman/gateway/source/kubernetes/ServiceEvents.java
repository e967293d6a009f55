package io.dragoman.gateway.source.kubernetes;

import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.source.ConfigStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Maps informer events onto the store. It touches only keys it put there itself, so files and the cluster can feed
 * the same store. fabric8 calls one handler from one thread at a time, in event order.
 */
final class ServiceEvents implements ResourceEventHandler<Service> {
  private final ConfigStore store;
  private final Supplier<? extends Collection<Service>> cache;
  private final Runnable listed;
  private final Set<String> owned = ConcurrentHashMap.newKeySet();

  /**
   * @param cache the informer's whole cache, read after each complete list
   * @param listed told after each complete list has been recorded in the store
   */
  ServiceEvents(ConfigStore store, Supplier<? extends Collection<Service>> cache, Runnable listed) {
    this.store = store;
    this.cache = cache;
    this.listed = listed;
  }

  @Override
  public void onAdd(Service service) {
    apply(service);
  }

  @Override
  public void onUpdate(Service before, Service after) {
    apply(after);
  }

  @Override
  public void onDelete(Service service, boolean finalStateUnknown) {
    String key = ServiceSources.key(service);
    if (owned.remove(key)) {
      store.remove(key);
    }
  }

  /**
   * After the first list and every relist (a 410, a failed watch): makes our keys exactly what the cache holds, so a
   * deletion missed while disconnected cannot linger. fabric8 calls this only once a list completed; a failed list
   * never reaches here, so it never empties the table.
   */
  @Override
  public void onList(String resourceVersion, boolean remainedEmpty) {
    List<SourceObject> sources =
        cache.get().stream().map(ServiceSources::toSource).flatMap(Optional::stream).toList();
    Set<String> before = Set.copyOf(owned);
    store.replaceAll(before::contains, sources);
    owned.clear();
    sources.forEach(s -> owned.add(s.key()));
    listed.run();
  }

  /** Keys this source has in the store now. */
  Set<String> owned() {
    return Set.copyOf(owned);
  }

  private void apply(Service service) {
    Optional<SourceObject> source = ServiceSources.toSource(service);
    if (source.isPresent()) {
      owned.add(source.get().key());
      store.put(source.get());
      return;
    }
    // Most Services carry no annotation: one hash lookup and they are done.
    String key = ServiceSources.key(service);
    if (owned.remove(key)) {
      store.remove(key);
    }
  }
}
