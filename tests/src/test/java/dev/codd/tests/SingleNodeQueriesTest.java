package dev.codd.tests;

/** The suite with every shard on one node. */
@TestCluster.UsesLayout(TestCluster.Layout.SINGLE_NODE)
class SingleNodeQueriesTest extends QueryCorrectnessSuite {}
