package dev.codd.planner;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Standard SQL passes a query to a table function as {@code TABLE(SELECT …)}; Calcite's parser
 * takes {@code TABLE name} and {@code (SELECT …)} only. The keyword before a parenthesized query
 * becomes blanks (so positions in error messages stay right); strings, quoted names and comments
 * are left alone.
 */
final class TableArguments {
    private static final Pattern QUERY_IN_PARENTHESES = Pattern.compile("\\s*\\(\\s*(SELECT|WITH|VALUES)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern ANY_TABLE = Pattern.compile("table", Pattern.CASE_INSENSITIVE);

    private TableArguments() {}

    static String parseable(String sql) {
        if (!ANY_TABLE.matcher(sql).find()) { // most queries: no copy, no scan by hand
            return sql;
        }
        StringBuilder out = new StringBuilder(sql);
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = closing(sql, i, c);
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                if (sql.substring(i, end).equalsIgnoreCase("TABLE")) {
                    Matcher query = QUERY_IN_PARENTHESES.matcher(sql).region(end, sql.length());
                    if (query.lookingAt()) {
                        out.replace(i, end, "     ");
                    }
                }
                i = end;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote is part of the text. */
    private static int closing(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }
}
