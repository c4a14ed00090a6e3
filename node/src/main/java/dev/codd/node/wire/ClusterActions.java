package dev.codd.node.wire;

/** Flight action types of the cluster: between nodes and the requester, and from the job CLI to the requester. */
public final class ClusterActions {
    /** Body: a {@link Heartbeat}; result: a {@link HeartbeatReply}. */
    public static final String HEARTBEAT = "codd.heartbeat";
    /** Body: the node's name, UTF-8; no result. */
    public static final String LEAVE = "codd.leave";
    /** Body: the CID of a WASM module, UTF-8; result: the module's bytes. */
    public static final String MODULE = "codd.module";

    /**
     * From a client to the requester: body the progress key the client sent when it started a query
     * ({@code codd-progress-key}); result, while the query runs, its
     * progress as text: {@code fragmentsDone fragments rowsFromNodes elapsedMillis}; none once it ended.
     */
    public static final String QUERY_PROGRESS = "codd.query.progress";
    /** To a node: body a {@link JobTask}; result: a {@link JobExecution} once the container has ended. */
    public static final String JOB_RUN = "codd.job.run";
    /** To the requester, which asks the node named: body a {@link JobOutputRequest}; results: the file's bytes, in pieces. */
    public static final String JOB_OUTPUT = "codd.job.output";
    /** To the requester: body a {@link JobSubmission}; result: the {@link Job}, queued. */
    public static final String JOB_SUBMIT = "codd.job.submit";
    /** To the requester: body a job ID, or empty for all; results: each {@link Job}, oldest first. */
    public static final String JOB_LIST = "codd.job.list";

    private ClusterActions() {}
}
