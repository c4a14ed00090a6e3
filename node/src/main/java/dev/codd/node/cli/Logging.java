package dev.codd.node.cli;

/** Sets the server log's level; must run before the first logger is created. */
final class Logging {
    private Logging() {}

    static void level(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    }
}
