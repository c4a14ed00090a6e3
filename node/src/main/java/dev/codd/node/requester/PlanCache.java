package dev.codd.node.requester;

import dev.codd.planner.DistributedPlan;
import dev.codd.planner.catalog.ClusterCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The plans of recent queries, reused when the same SQL with the same parameter values runs again
 * over the same catalog: dashboards repeat their queries, and planning costs 10 to 40 ms. The
 * registry replaces its catalog object whenever a node, table or shard changes, so a plan is found
 * only for the catalog it was made for, compared by identity; so are the users' functions.
 */
final class PlanCache {
    private static final int CAPACITY = 256;

    private record Key(String sql, List<Object> parameters, CatalogIdentity catalog,
            List<FunctionCatalog.StoredFunction> functions) {}

    /** A catalog compared by identity: equal catalogs built at different times are still different keys. */
    private record CatalogIdentity(ClusterCatalog catalog) {
        @Override
        public boolean equals(Object other) {
            return other instanceof CatalogIdentity identity && identity.catalog == catalog;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(catalog);
        }
    }

    /** The catalog the kept plans were made for: plans for an older one can never be found again. */
    private ClusterCatalog current;
    private final Map<Key, DistributedPlan> plans = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, DistributedPlan> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The plan made before for these inputs, or the one {@code planner} makes now; a planning error is not kept. */
    DistributedPlan plan(String sql, List<Object> parameters, ClusterCatalog catalog,
            List<FunctionCatalog.StoredFunction> functions, Supplier<DistributedPlan> planner) {
        if (parameters.stream().anyMatch(value -> value instanceof byte[])) {
            return planner.get(); // arrays compare by identity: such a key would never be found again
        }
        Key key = new Key(sql, parameters, new CatalogIdentity(catalog), functions);
        synchronized (plans) {
            DistributedPlan known = plans.get(key);
            if (known != null) {
                return known;
            }
        }
        DistributedPlan plan = planner.get(); // outside the lock: planning takes milliseconds
        synchronized (plans) {
            if (current != catalog) { // a new catalog: the old plans only hold on to the old one
                plans.clear();
                current = catalog;
            }
            plans.put(key, plan);
        }
        return plan;
    }
}
