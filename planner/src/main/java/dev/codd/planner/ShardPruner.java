package dev.codd.planner;

import com.google.common.collect.Range;
import dev.codd.planner.catalog.ClusterTable;
import dev.codd.planner.catalog.Column;
import dev.codd.planner.catalog.ColumnRange;
import dev.codd.planner.catalog.Shard;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Keeps the shards whose min/max statistics do not rule out a filter: for conditions comparing a
 * column with a constant ({@code =, <, <=, >, >=, BETWEEN, IN}), a shard whose range of that column
 * lies entirely outside is skipped (and through AND and OR), and for {@code <>} a shard whose every
 * value is the constant. Anything it cannot read keeps the
 * shard: pruning only ever saves work, never changes an answer. Floating-point columns are never
 * pruned on: NaN sorts above every number in DuckDB, and Parquet writers leave it out of min/max.
 */
final class ShardPruner {
    private ShardPruner() {}

    /** The shards of {@code table} that may hold rows satisfying every one of {@code conjuncts} (over its columns). */
    static List<Shard> matching(ClusterTable table, List<RexNode> conjuncts) {
        return table.shards().stream().filter(shard -> conjuncts.stream().allMatch(c -> mayMatch(table, shard, c)))
                .toList();
    }

    private static boolean mayMatch(ClusterTable table, Shard shard, RexNode conjunct) {
        if (conjunct.getKind() == SqlKind.OR) {
            return ((RexCall) conjunct).getOperands().stream().anyMatch(d -> mayMatch(table, shard, d));
        }
        if (conjunct.getKind() == SqlKind.AND) {
            return ((RexCall) conjunct).getOperands().stream().allMatch(c -> mayMatch(table, shard, c));
        }
        if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
            return true;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        SqlKind kind = call.getKind();
        if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
            RexNode swap = left;
            left = right;
            right = swap;
            kind = kind.reverse();
        }
        if (!(left instanceof RexInputRef column)) {
            return true;
        }
        Column described = table.columns().get(column.getIndex());
        Optional<Range<Comparable<Object>>> values = shardRange(shard.ranges().get(described.name()), described.type());
        if (values.isEmpty()) {
            return true;
        }
        if (kind == SqlKind.SEARCH && right instanceof RexLiteral literal) {
            Sarg<?> sarg = literal.getValueAs(Sarg.class);
            if (sarg == null || sarg.nullAs != RexUnknownAs.UNKNOWN && sarg.nullAs != RexUnknownAs.FALSE) {
                return true;
            }
            for (Range<?> range : sarg.rangeSet.asRanges()) {
                Optional<Range<Comparable<Object>>> converted = convert(range);
                if (converted.isEmpty() || overlap(converted.get(), values.get())) {
                    return true;
                }
            }
            return false;
        }
        Optional<Comparable<Object>> constant = constant(right);
        if (constant.isEmpty()) {
            return true;
        }
        if (kind == SqlKind.NOT_EQUALS) { // a shard holding that one value (and nulls) has no row that passes
            return !holdsOnly(values.get(), constant.get());
        }
        Range<Comparable<Object>> allowed = switch (kind) {
            case EQUALS -> Range.singleton(constant.get());
            case LESS_THAN -> Range.lessThan(constant.get());
            case LESS_THAN_OR_EQUAL -> Range.atMost(constant.get());
            case GREATER_THAN -> Range.greaterThan(constant.get());
            case GREATER_THAN_OR_EQUAL -> Range.atLeast(constant.get());
            default -> null;
        };
        return allowed == null || overlap(allowed, values.get());
    }

    private static boolean holdsOnly(Range<Comparable<Object>> values, Comparable<Object> constant) {
        try {
            return values.hasLowerBound() && values.hasUpperBound() && values.lowerEndpoint().compareTo(constant) == 0
                    && values.upperEndpoint().compareTo(constant) == 0;
        } catch (ClassCastException e) {
            return false; // a constant of another kind than the column: not ours to judge
        }
    }

    private static boolean overlap(Range<Comparable<Object>> allowed, Range<Comparable<Object>> values) {
        try {
            return allowed.isConnected(values) && !allowed.intersection(values).isEmpty();
        } catch (ClassCastException e) {
            return true; // a constant of another kind than the column: not ours to judge
        }
    }

    /** The values a shard holds in a column, from its statistics, comparable with constants. */
    @SuppressWarnings("unchecked")
    private static Optional<Range<Comparable<Object>>> shardRange(ColumnRange range, String type) {
        if (range == null || range.min() == null || range.max() == null) {
            return Optional.empty();
        }
        Optional<Comparable<?>> min = parse(range.min(), type);
        Optional<Comparable<?>> max = parse(range.max(), type);
        if (min.isEmpty() || max.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Range.closed((Comparable<Object>) min.get(), (Comparable<Object>) max.get()));
        } catch (IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static Optional<Comparable<?>> parse(String text, String type) {
        String upper = type.toUpperCase(Locale.ROOT);
        try {
            if (upper.matches("(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DECIMAL.*)")) {
                return Optional.of(new BigDecimal(text));
            } else if (upper.equals("DATE")) {
                return Optional.of(LocalDate.parse(text));
            } else if (upper.equals("TIMESTAMP")) {
                return Optional.of(LocalDateTime.parse(text.replace(' ', 'T')));
            } else if (upper.equals("VARCHAR") && text.chars().allMatch(c -> c < 128)) {
                return Optional.of(text); // ASCII: Java orders it as DuckDB does
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Range<Comparable<Object>>> convert(Range<?> range) {
        Comparable<Object> lower = null;
        Comparable<Object> upper = null;
        if (range.hasLowerBound()) {
            Optional<Comparable<Object>> value = value(range.lowerEndpoint());
            if (value.isEmpty()) {
                return Optional.empty();
            }
            lower = value.get();
        }
        if (range.hasUpperBound()) {
            Optional<Comparable<Object>> value = value(range.upperEndpoint());
            if (value.isEmpty()) {
                return Optional.empty();
            }
            upper = value.get();
        }
        if (lower == null && upper == null) {
            return Optional.of(Range.all());
        } else if (lower == null) {
            return Optional.of(Range.upTo(upper, range.upperBoundType()));
        } else if (upper == null) {
            return Optional.of(Range.downTo(lower, range.lowerBoundType()));
        }
        return Optional.of(Range.range(lower, range.lowerBoundType(), upper, range.upperBoundType()));
    }

    /** A constant as a Java value: a literal, or a date literal plus or minus an interval literal. */
    private static Optional<Comparable<Object>> constant(RexNode node) {
        if (node instanceof RexLiteral literal) {
            return value(literal.getValue());
        }
        if (node instanceof RexCall call && (node.getKind() == SqlKind.PLUS || node.getKind() == SqlKind.MINUS)
                && call.getOperands().get(0) instanceof RexLiteral date
                && date.getTypeName() == SqlTypeName.DATE
                && call.getOperands().get(1) instanceof RexLiteral interval) {
            LocalDate start = LocalDate.parse(date.getValueAs(DateString.class).toString());
            BigDecimal amount = interval.getValueAs(BigDecimal.class);
            TimeUnit unit = interval.getType().getSqlTypeName().getEndUnit();
            if (amount == null || unit == null) {
                return Optional.empty();
            }
            long signed = node.getKind() == SqlKind.MINUS ? -amount.longValue() : amount.longValue();
            LocalDate result = switch (unit) {
                case YEAR, MONTH -> start.plusMonths(signed);
                case DAY -> start.plusDays(signed / TimeUnit.DAY.multiplier.longValue());
                default -> null;
            };
            return result == null ? Optional.empty() : value(result);
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Optional<Comparable<Object>> value(Object value) {
        Object converted;
        if (value instanceof BigDecimal decimal) {
            converted = decimal;
        } else if (value instanceof DateString date) {
            converted = LocalDate.parse(date.toString());
        } else if (value instanceof TimestampString timestamp) {
            converted = LocalDateTime.parse(timestamp.toString().replace(' ', 'T'));
        } else if (value instanceof NlsString text && text.getValue().chars().allMatch(c -> c < 128)) {
            converted = text.getValue();
        } else if (value instanceof LocalDate) {
            converted = value;
        } else {
            return Optional.empty();
        }
        return Optional.of((Comparable<Object>) converted);
    }
}
