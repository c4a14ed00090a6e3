package dev.codd.node.requester;

import dev.codd.executors.DuckDbExecutor;
import dev.codd.node.wire.NodeAddress;
import dev.codd.executors.wasm.WasmFunctions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What the requester lends each query: the nodes and clients to reach them, the DuckDB that runs
 * root plans, memory, threads (to fetch fragments, to stream results, to time out), the logs it ends up in, and
 * how long a node may take to start a fragment. {@code systemTables} serves the requester's own
 * tables ({@code sys.audit}, {@code sys.nodes}, ...) as fragments.
 */
record QueryServices(NodeRegistry registry, NodeClients clients, DuckDbExecutor rootDuckDb, BufferAllocator allocator,
        ExecutorService fetchers, ExecutorService streams, ScheduledExecutorService timers, QueryLog log,
        RequesterAudit audit, NodeAddress systemTables, Duration nodeTimeout, int batchRows, FunctionCatalog functions,
        WasmFunctions rootFunctions) {}
