package dev.codd.tests;

/** TPC-H at scale factor 0.1 (600,000 line items) over three nodes. */
@TestCluster.UsesLayout(TestCluster.Layout.SHARDED_SF_0_1)
class TpchScaleFactor01Test extends TpchSuite {}
