package dev.codd.planner;

import java.util.function.UnaryOperator;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.Util;

/**
 * Sub-queries stay in the plan as expressions (IN, EXISTS, scalar) and reach DuckDB as SQL
 * sub-queries, which DuckDB decorrelates well; Calcite's decorrelation can turn a correlated
 * EXISTS into a cross product. Planning therefore has to reach into the plans of sub-queries.
 */
final class SubQueries {
    private SubQueries() {}

    /** Applies {@code transform} to {@code rel} and to the plan of every sub-query within it, at any depth. */
    static RelNode everywhere(RelNode rel, UnaryOperator<RelNode> transform) {
        return transform.apply(rel).accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                return withSubQueryPlans(super.visit(other), plan -> everywhere(plan, transform));
            }
        });
    }

    /** {@code rel} with the plan of each sub-query in its own expressions replaced by {@code replace}. */
    static RelNode withSubQueryPlans(RelNode rel, UnaryOperator<RelNode> replace) {
        return rel.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                RexSubQuery visited = (RexSubQuery) super.visitSubQuery(subQuery);
                RelNode plan = replace.apply(visited.rel);
                return plan == visited.rel ? visited : visited.clone(plan);
            }
        });
    }

    /**
     * {@code rel} with the plan of every sub-query, at any depth, reading only the columns it needs
     * (an EXISTS needs none of its own), so that nodes send no more than that. A plan that defines
     * correlation variables itself is left whole: the trimmer does not see what they read.
     */
    static RelNode trimmed(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                return super.visit(other).accept(new RexShuttle() {
                    @Override
                    public RexNode visitSubQuery(RexSubQuery subQuery) {
                        RelNode plan = trimmed(subQuery.rel);
                        if (!definesCorrelation(plan)) {
                            RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(plan.getCluster(), null);
                            if (subQuery.getKind() == SqlKind.EXISTS) {
                                plan = builder.push(plan).project(builder.literal(true)).build();
                            }
                            plan = new RelFieldTrimmer(null, builder).trim(plan);
                        }
                        return plan == subQuery.rel ? subQuery : subQuery.clone(plan);
                    }
                });
            }
        });
    }

    /** Whether any part of {@code plan}, sub-queries included, defines a correlation variable. */
    private static boolean definesCorrelation(RelNode plan) {
        boolean[] defines = {false};
        everywhere(plan, rel -> {
            rel.accept(new RelHomogeneousShuttle() {
                @Override
                public RelNode visit(RelNode other) {
                    defines[0] |= !other.getVariablesSet().isEmpty();
                    return super.visit(other);
                }
            });
            return rel;
        });
        return defines[0];
    }

    /** Whether the expressions of {@code rel} itself contain a sub-query. */
    static boolean in(RelNode rel) {
        return found(rel, true);
    }

    /** Whether the expressions of {@code rel} itself refer to a correlation variable. */
    static boolean correlated(RelNode rel) {
        return found(rel, false);
    }

    /** Neither sub-queries nor correlation variables in the expressions of {@code rel}: rules may move them. */
    static boolean plain(RelNode rel) {
        return !in(rel) && !correlated(rel);
    }

    /** Whether any part of the plan, sub-queries included, is correlated. */
    static boolean anyCorrelation(RelNode root) {
        boolean[] correlated = {false};
        everywhere(root, rel -> {
            rel.accept(new RelHomogeneousShuttle() {
                @Override
                public RelNode visit(RelNode other) {
                    if (!other.getVariablesSet().isEmpty() || correlated(other)) {
                        correlated[0] = true;
                    }
                    return super.visit(other);
                }
            });
            return rel;
        });
        return correlated[0];
    }

    private static boolean found(RelNode rel, boolean subQuery) {
        try {
            rel.accept(new RexShuttle() {
                @Override
                public RexNode visitSubQuery(RexSubQuery node) {
                    if (subQuery) {
                        throw Util.FoundOne.NULL;
                    }
                    return node; // what a sub-query's plan refers to is its own business
                }

                @Override
                public RexNode visitCorrelVariable(RexCorrelVariable variable) {
                    if (!subQuery) {
                        throw Util.FoundOne.NULL;
                    }
                    return variable;
                }
            });
            return false;
        } catch (Util.FoundOne e) {
            return true;
        }
    }
}
