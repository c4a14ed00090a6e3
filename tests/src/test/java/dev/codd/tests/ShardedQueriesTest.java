package dev.codd.tests;

/** The suite over three nodes, TPC-H laid out as the demo lays it. */
@TestCluster.UsesLayout(TestCluster.Layout.SHARDED)
class ShardedQueriesTest extends QueryCorrectnessSuite {}
