package dev.codd.planner;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.planner.catalog.ClusterCatalog;
import dev.codd.planner.rel.StreamScan;
import dev.codd.planner.rules.ConstantArgumentsShuttle;
import dev.codd.planner.rules.SortOffsetUnionSplitRule;
import dev.codd.planner.rules.SumOfCountsShuttle;
import dev.codd.planner.rules.VarianceUnionSplitRule;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.rules.AggregateReduceFunctionsRule;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.PruneEmptyRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.ValidationException;

/**
 * Turns SQL into a {@link DistributedPlan}: Calcite parses and validates it against the cluster
 * catalog, pushes filters and projections down, splits aggregates and top-N across the shards, and
 * writes what each node and the requester run as DuckDB SQL.
 */
public final class QueryPlanner {
    /** The one catalog, which holds both schemas. */
    public static final String CATALOG = "codd";
    /** The schema data tables live in. */
    public static final String DATA_SCHEMA = "main";
    /** The schema of the cluster's own tables: its nodes, tables, shards, queries and audit logs. */
    public static final String SYSTEM_SCHEMA = "sys";

    private static final SqlParser.Config PARSER = SqlParser.config()
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withConformance(SqlConformanceEnum.LENIENT);

    private static final SqlValidator.Config VALIDATOR = SqlValidator.Config.DEFAULT
            .withConformance(SqlConformanceEnum.LENIENT)
            .withIdentifierExpansion(true);

    /** What Calcite's planner takes from a connection; it overrides the validator's settings. */
    private static final CalciteConnectionConfigImpl CONNECTION = new CalciteConnectionConfigImpl(new Properties())
            .set(CalciteConnectionProperty.CASE_SENSITIVE, "false")
            .set(CalciteConnectionProperty.CONFORMANCE, SqlConformanceEnum.LENIENT.name())
            // DuckDB sorts NULLs last in both directions
            .set(CalciteConnectionProperty.DEFAULT_NULL_COLLATION, NullCollation.LAST.name())
            // a function Calcite does not know is DuckDB's to know: it goes through by name
            .set(CalciteConnectionProperty.LENIENT_OPERATOR_LOOKUP, "true");

    /** Standard SQL's functions, and PostgreSQL's, whose names and meanings DuckDB mostly shares. */
    // DuckDB's operators first: the validator resolves each operator by name and takes the first match
    private static final SqlOperatorTable OPERATORS = SqlOperatorTables.chain(
            SqlOperatorTables.of(DuckDbSemantics.DIVIDE, DockerMapFunction.INSTANCE), SqlStdOperatorTable.instance(),
            SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL));

    /** Plain relational clean-up: filters into joins and down to scans, AVG and friends into SUM/COUNT. */
    private static final HepProgram LOGICAL = program(
            CoddRules.FILTER_INTO_JOIN,
            CoddRules.JOIN_CONDITION_PUSH,
            CoddRules.JOIN_PUSH_TRANSITIVE_PREDICATES,
            CoddRules.FILTER_AGGREGATE_TRANSPOSE,
            CoddRules.FILTER_PROJECT_TRANSPOSE,
            CoddRules.FILTER_MERGE,
            CoddRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE,
            CoddRules.AGGREGATE_PROJECT_MERGE,
            // COUNT(DISTINCT x) becomes a GROUP BY (key, x) below a COUNT, so the nodes send distinct pairs
            CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN,
            // only AVG: the sums of squares STDDEV and VAR reduce to lose the precision DuckDB keeps
            AggregateReduceFunctionsRule.Config.DEFAULT.withFunctionsToReduce(EnumSet.of(SqlKind.AVG)).toRule(),
            // what cannot return rows (LIMIT 0, a branch that is empty) is answered without the nodes:
            // BI tools probe a table's columns so
            PruneEmptyRules.SORT_FETCH_ZERO_INSTANCE,
            PruneEmptyRules.PROJECT_INSTANCE,
            PruneEmptyRules.FILTER_INSTANCE,
            PruneEmptyRules.SORT_INSTANCE,
            PruneEmptyRules.AGGREGATE_INSTANCE,
            PruneEmptyRules.JOIN_LEFT_INSTANCE,
            PruneEmptyRules.JOIN_RIGHT_INSTANCE,
            PruneEmptyRules.UNION_INSTANCE,
            PruneEmptyRules.MINUS_INSTANCE,
            PruneEmptyRules.INTERSECT_INSTANCE);

    /** Rebuilds blocks of inner joins so that tables partitioned alike are joined first. */
    private static final HepProgram JOIN_ORDER = HepProgram.builder()
            .addMatchOrder(HepMatchOrder.BOTTOM_UP) // a multi-join absorbs the joins below it only once they are multi-joins
            .addRuleCollection(List.of(CoddRules.JOIN_TO_MULTI_JOIN, CoddRules.FILTER_MULTI_JOIN_MERGE))
            .addRuleInstance(MultiJoinCoPartitionFirstRule.INSTANCE)
            .build();

    /** Pushes work through the unions of node scans, so that it runs on the nodes. */
    private static final HepProgram DISTRIBUTION = program(
            CoddRules.FILTER_SET_OP_TRANSPOSE,
            CoddRules.PROJECT_SET_OP_TRANSPOSE,
            CoddRules.AGGREGATE_UNION_TRANSPOSE,
            VarianceUnionSplitRule.INSTANCE,
            DockerMapUnionTransposeRule.INSTANCE,
            JoinUnionCoPartitionRule.INSTANCE,
            JoinUnionBroadcastRule.LEFT_SPLIT,
            JoinUnionBroadcastRule.RIGHT_SPLIT,
            SortOffsetUnionSplitRule.INSTANCE,
            CoreRules.SORT_UNION_TRANSPOSE,
            CoddRules.FILTER_PROJECT_TRANSPOSE,
            CoddRules.FILTER_MERGE,
            CoddRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE);

    /** Whether {@code name} is a function of Calcite's or DuckDB's, which a user's function may not hide. */
    public static boolean isBuiltInFunction(String name) {
        List<SqlOperator> found = new ArrayList<>();
        SqlOperatorTables.chain(OPERATORS, SqlOperatorTables.of(DuckDbAggregates.ALL)).lookupOperatorOverloads(
                new SqlIdentifier(name, SqlParserPos.ZERO), null, SqlSyntax.FUNCTION, found,
                SqlNameMatchers.withCaseSensitive(false));
        return !found.isEmpty();
    }

    private static final Pattern NOT_FOUND = Pattern.compile("(Object|Table|Column) '([^']*)' not found.*");

    /** How many {@code ?} markers {@code sql} has; fails as planning would on a syntax error. */
    public int parameterCount(String sql) {
        try {
            return ParameterBinder.countParameters(SqlParser.create(TableArguments.parseable(sql), PARSER).parseStmt());
        } catch (SqlParseException e) {
            throw syntaxError(e);
        }
    }

    /**
     * The types Calcite infers for the {@code ?} markers of {@code sql} from where they stand
     * ({@code x > ?} takes the type of {@code x}), in order; null for a marker whose type nothing
     * tells, and all null when the query does not validate with its markers in place.
     */
    public List<RelDataType> parameterTypes(String sql, ClusterCatalog catalog) {
        Planner planner = Frameworks.getPlanner(config(catalog));
        RelDataType[] types;
        try {
            SqlNode parsed = planner.parse(TableArguments.parseable(sql));
            types = new RelDataType[ParameterBinder.countParameters(parsed)];
            if (types.length > 0 && parsed.isA(SqlKind.QUERY)) {
                RelNode rel = planner.rel(planner.validate(DuckDbSemantics.apply(parsed))).project();
                RexShuttle finder = new RexShuttle() {
                    @Override
                    public RexNode visitDynamicParam(RexDynamicParam param) {
                        if (param.getIndex() < types.length && param.getType().getSqlTypeName() != SqlTypeName.UNKNOWN) {
                            types[param.getIndex()] = param.getType();
                        }
                        return param;
                    }
                };
                SubQueries.everywhere(rel, plan -> plan.accept(new RelHomogeneousShuttle() {
                    @Override
                    public RelNode visit(RelNode other) {
                        return super.visit(other).accept(finder);
                    }
                }));
            }
        } catch (Exception | AssertionError e) {
            return Collections.nCopies(parameterCount(sql), null); // the types are only a courtesy to tools
        } finally {
            planner.close();
        }
        return Arrays.asList(types);
    }

    /** Plans a query with no parameters. */
    public DistributedPlan plan(String sql, ClusterCatalog catalog) {
        return plan(sql, List.of(), catalog);
    }

    /** Plans a query, binding {@code parameters} to its {@code ?} markers in order. */
    public DistributedPlan plan(String sql, List<Object> parameters, ClusterCatalog catalog) {
        return plan(sql, parameters, catalog, false);
    }

    /**
     * A plan that returns no rows but the columns {@code sql} would return, with their types: the
     * query under LIMIT 0, its parameters NULL. It reads nothing from the nodes, so a prepared
     * statement can describe its result before it runs.
     */
    public DistributedPlan describe(String sql, ClusterCatalog catalog) {
        return plan(sql, Collections.nCopies(parameterCount(sql), null), catalog, true);
    }

    private DistributedPlan plan(String sql, List<Object> parameters, ClusterCatalog catalog, boolean describe) {
        Planner planner = Frameworks.getPlanner(config(catalog));
        try {
            SqlNode parsed = planner.parse(TableArguments.parseable(sql));
            if (!parsed.isA(SqlKind.QUERY)) {
                throw new CoddException(ErrorCode.NOT_SUPPORTED,
                        "Codd runs queries only; " + parsed.getKind() + " is not supported");
            }
            SqlNode validated = planner.validate(DuckDbSemantics.apply(ParameterBinder.bind(parsed, parameters)));
            RelNode query = DockerMaps.resolve(planner.rel(validated).project());
            if (describe) {
                RexNode zero = query.getCluster().getRexBuilder().makeExactLiteral(BigDecimal.ZERO);
                query = LogicalSort.create(query, RelCollations.EMPTY, null, zero);
            }
            return distribute(query, catalog.containerNodes());
        } catch (SqlParseException e) {
            throw syntaxError(e);
        } catch (ValidationException e) {
            throw validationError(e);
        } catch (CoddException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED,
                    "Codd cannot plan this query: " + firstLine(String.valueOf(e.getMessage())), e);
        } finally {
            planner.close();
        }
    }

    private static DistributedPlan distribute(RelNode logical, Set<String> containerNodes) {
        RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(logical.getCluster(), null);
        RelNode optimized = SubQueries.everywhere(logical,
                rel -> run(JOIN_ORDER, run(LOGICAL, rel.accept(new FilterSplitter()))));
        // nodes send only the columns the query reads, sub-queries' too
        RelNode inner = SubQueries.trimmed(optimized);
        ScanDistributor scans = new ScanDistributor();
        RelNode distributed = distributeScans(new RelFieldTrimmer(null, relBuilder).trim(inner), scans);
        if (SubQueries.anyCorrelation(inner) && containsEmptyValues(distributed)) {
            // a correlated sub-query over a relation known empty (all its shards pruned): SQL written
            // from the trimmer's plan names an alias that is not there, so the query goes untrimmed
            scans = new ScanDistributor();
            distributed = distributeScans(inner, scans);
        }
        RelNode merged = SubQueries.everywhere(distributed,
                rel -> rel.accept(new SumOfCountsShuttle()).accept(new ConstantArgumentsShuttle()));
        FragmentSplitter splitter = new FragmentSplitter(containerNodes);
        RelNode root = splitter.split(merged);
        Optional<String> rootSql = root instanceof StreamScan ? Optional.empty() : Optional.of(DuckDbSql.of(root));
        return new DistributedPlan(splitter.exchanges(), rootSql, logical.getRowType().getFieldNames(), scans.pruned(),
                UserSqlFunction.calledIn(logical));
    }

    private static RelNode distributeScans(RelNode rel, ScanDistributor scans) {
        return SubQueries.everywhere(rel, plan -> run(DISTRIBUTION, plan.accept(scans)));
    }

    private static boolean containsEmptyValues(RelNode rel) {
        boolean[] found = {false};
        SubQueries.everywhere(rel, plan -> {
            plan.accept(new RelHomogeneousShuttle() {
                @Override
                public RelNode visit(RelNode other) {
                    found[0] |= other instanceof Values values && values.getTuples().isEmpty();
                    return super.visit(other);
                }
            });
            return plan;
        });
        return found[0];
    }

    private static RelNode run(HepProgram program, RelNode rel) {
        HepPlanner planner = new HepPlanner(program);
        planner.setRoot(rel);
        return planner.findBestExp();
    }

    private static HepProgram program(RelOptRule... rules) {
        HepProgramBuilder builder = HepProgram.builder();
        builder.addRuleCollection(List.of(rules));
        return builder.build();
    }

    private static FrameworkConfig config(ClusterCatalog catalog) {
        SchemaPlus rootSchema = Frameworks.createRootSchema(false);
        CoddSchema data = new CoddSchema(catalog.tables());
        CoddSchema system = new CoddSchema(catalog.system());
        SchemaPlus dataSchema = rootSchema.add(DATA_SCHEMA, data);
        rootSchema.add(SYSTEM_SCHEMA, system);
        // tools that qualify names fully write codd.main.t
        SchemaPlus catalogSchema = rootSchema.add(CATALOG, new CoddSchema(Map.of()));
        catalogSchema.add(DATA_SCHEMA, data);
        catalogSchema.add(SYSTEM_SCHEMA, system);
        return Frameworks.newConfigBuilder()
                .parserConfig(PARSER)
                .sqlValidatorConfig(VALIDATOR)
                // sub-queries stay expressions: DuckDB decorrelates them at the root
                .sqlToRelConverterConfig(SqlToRelConverter.config().withExpand(false)
                        .withInSubQueryThreshold(Integer.MAX_VALUE))
                .typeSystem(CoddTypeSystem.INSTANCE)
                .operatorTable(operators(catalog.functions().values().stream().map(UserSqlFunction::new).toList()))
                .context(Contexts.of(CONNECTION))
                .defaultSchema(dataSchema)
                .build();
    }

    /**
     * The functions a query may call: the users' and the built-in ones. A user's function stored
     * before its name was one of DuckDB's aggregates keeps its meaning: the validator takes a call
     * for an aggregate as soon as any function of its name is one.
     */
    private static SqlOperatorTable operators(List<UserSqlFunction> users) {
        Set<String> taken = users.stream().map(user -> user.getName().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return SqlOperatorTables.chain(OPERATORS, SqlOperatorTables.of(users), SqlOperatorTables.of(DuckDbAggregates.ALL
                .stream().filter(aggregate -> !taken.contains(aggregate.getName().toLowerCase(Locale.ROOT))).toList()));
    }

    private static CoddException syntaxError(SqlParseException e) {
        var pos = e.getPos();
        String where = pos == null ? "" : " at line " + pos.getLineNum() + ", column " + pos.getColumnNum();
        return new CoddException(ErrorCode.SYNTAX_ERROR,
                "Syntax error" + where + ": " + firstLine(e.getMessage()).replaceAll(" at line \\d+, column \\d+\\.?$", ""),
                e);
    }

    private static CoddException validationError(ValidationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof CoddException codd) { // raised by our catalog: a table that cannot be read
                return codd;
            }
        }
        Throwable cause = e.getCause();
        String message = firstLine(cause == null ? e.getMessage() : cause.getMessage());
        String detail = cause instanceof CalciteContextException context && context.getCause() != null
                ? firstLine(context.getCause().getMessage())
                : message;
        Matcher notFound = NOT_FOUND.matcher(detail);
        if (notFound.matches()) {
            boolean column = notFound.group(1).equals("Column");
            String located = message.replace("Object '", "Table '");
            return new CoddException(column ? ErrorCode.COLUMN_NOT_FOUND : ErrorCode.TABLE_NOT_FOUND, located, e);
        }
        if (detail.startsWith("No match found for function signature")) {
            return new CoddException(ErrorCode.FUNCTION_NOT_FOUND, message, e);
        }
        return new CoddException(ErrorCode.INVALID_QUERY, message, e);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
