package dev.codd.common;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column of a schema written as text, such as docker_map's {@code output_schema => 'label
 * VARCHAR, score DOUBLE'}: the rows a container writes are read as these columns.
 *
 * @param type one of {@link #TYPES}, or {@code DECIMAL(p,s)}, upper case
 */
public record DeclaredColumn(String name, String type) {
    /** The types a declared column may have, besides DECIMAL(p,s). */
    public static final List<String> TYPES = List.of("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL",
            "DOUBLE", "VARCHAR", "DATE", "TIMESTAMP");

    private static final Pattern COLUMN = Pattern.compile(
            "\\s*(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_]*)\\s+([A-Za-z]+(?:\\s*\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\))?)\\s*");
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    public DeclaredColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** The columns of {@code text}, {@code name TYPE} pairs separated by commas; fails naming what is wrong. */
    public static List<DeclaredColumn> parseAll(String text) {
        List<DeclaredColumn> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : text.split(",(?![^(]*\\))", -1)) {
            Matcher matcher = COLUMN.matcher(part);
            if (!matcher.matches()) {
                throw invalid("'" + part.strip() + "' is not a column: write name TYPE, e.g. 'label VARCHAR, score DOUBLE'");
            }
            String name = matcher.group(1).startsWith("\"")
                    ? matcher.group(1).substring(1, matcher.group(1).length() - 1).replace("\"\"", "\"")
                    : matcher.group(1);
            String type = normalType(matcher.group(2));
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw invalid("column " + name + " is declared twice");
            }
            columns.add(new DeclaredColumn(name, type));
        }
        return List.copyOf(columns);
    }

    /** The precision and scale of a DECIMAL column; null for other types. */
    public int[] decimal() {
        Matcher matcher = DECIMAL.matcher(type);
        return matcher.matches() ? new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))}
                : null;
    }

    private static String normalType(String written) {
        String type = written.toUpperCase(Locale.ROOT).replaceAll("\\s+", "");
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            if (precision < 1 || precision > 38 || scale > precision) {
                throw invalid(written + " is not a valid DECIMAL: precision 1 to 38, scale at most the precision");
            }
            return "DECIMAL(" + precision + "," + scale + ")";
        }
        String canonical = switch (type) {
            case "BOOL" -> "BOOLEAN";
            case "INT" -> "INTEGER";
            case "FLOAT" -> "REAL";
            case "TEXT", "STRING" -> "VARCHAR";
            default -> type;
        };
        if (!TYPES.contains(canonical)) {
            throw invalid("type " + written + " cannot be declared; use one of " + String.join(", ", TYPES)
                    + " or DECIMAL(p,s)");
        }
        return canonical;
    }

    private static CoddException invalid(String message) {
        return new CoddException(ErrorCode.INVALID_ARGUMENT, "output_schema: " + message);
    }
}
