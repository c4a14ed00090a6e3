package dev.codd.executors;

/** Quoting for the few pieces of SQL text the executors write themselves. */
public final class Sql {
    private Sql() {}

    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String string(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
