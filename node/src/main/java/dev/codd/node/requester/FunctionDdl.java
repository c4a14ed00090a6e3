package dev.codd.node.requester;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import dev.codd.executors.wasm.WasmLimits;
import dev.codd.executors.wasm.WasmType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code CREATE [OR REPLACE] FUNCTION name([arg] type, …) RETURNS type [CALLED ON NULL INPUT] LANGUAGE WASM
 * FROM 'file-or-CID' [EXPORT 'symbol'] [WITH (timeout_ms = …, memory_pages = …, wasi = true|false)]} and
 * {@code DROP FUNCTION [IF EXISTS] name}: statements Calcite's parser does not read, read here.
 */
sealed interface FunctionDdl {
    /** One declared parameter; its name is for people only. */
    record Parameter(String name, WasmType type) {}

    /** @param export the module's export to call; null for the function's own name */
    record Create(String name, boolean orReplace, List<Parameter> parameters, WasmType returns,
            boolean calledOnNullInput, String source, String export, WasmLimits limits) implements FunctionDdl {}

    record Drop(String name, boolean ifExists) implements FunctionDdl {}

    /** The statement, if {@code sql} is CREATE FUNCTION or DROP FUNCTION; a malformed one is a syntax error. */
    static Optional<FunctionDdl> parse(String sql) {
        Tokens tokens = new Tokens(sql);
        if (tokens.acceptWord("CREATE")) {
            boolean orReplace = tokens.acceptWord("OR");
            if (orReplace) {
                tokens.expectWord("REPLACE");
            }
            if (!tokens.acceptWord("FUNCTION")) {
                return Optional.empty();
            }
            return Optional.of(create(tokens, orReplace));
        }
        if (tokens.acceptWord("DROP") && tokens.acceptWord("FUNCTION")) {
            boolean ifExists = tokens.acceptWord("IF");
            if (ifExists) {
                tokens.expectWord("EXISTS");
            }
            Drop drop = new Drop(tokens.identifier("a function name"), ifExists);
            tokens.end();
            return Optional.of(drop);
        }
        return Optional.empty();
    }

    private static Create create(Tokens tokens, boolean orReplace) {
        String name = tokens.identifier("a function name");
        tokens.expect("(");
        List<Parameter> parameters = new ArrayList<>();
        if (!tokens.accept(")")) {
            do {
                String first = tokens.identifier("a parameter type");
                String unnamed = "arg" + (parameters.size() + 1);
                if (first.equalsIgnoreCase("DOUBLE") && tokens.acceptWord("PRECISION")) {
                    parameters.add(new Parameter(unnamed, WasmType.DOUBLE));
                } else if (tokens.peekIdentifier()) {
                    parameters.add(new Parameter(first, type(tokens, tokens.identifier("a type"))));
                } else {
                    parameters.add(new Parameter(unnamed, type(tokens, first)));
                }
            } while (tokens.accept(","));
            tokens.expect(")");
        }
        tokens.expectWord("RETURNS");
        WasmType returns = type(tokens, tokens.identifier("a return type"));
        boolean calledOnNullInput = nullInput(tokens, false);
        tokens.expectWord("LANGUAGE");
        String language = tokens.identifier("a language");
        if (!language.equalsIgnoreCase("WASM")) {
            throw new CoddException(ErrorCode.NOT_SUPPORTED, "Functions are written in WASM, not " + language);
        }
        tokens.expectWord("FROM");
        String source = tokens.string("the module's file or CID");
        String export = tokens.acceptWord("EXPORT") ? tokens.string("the name of an export") : null;
        calledOnNullInput = nullInput(tokens, calledOnNullInput);
        WasmLimits limits = tokens.acceptWord("WITH") ? limits(tokens) : WasmLimits.DEFAULT;
        tokens.end();
        return new Create(name, orReplace, parameters, returns, calledOnNullInput, source, export, limits);
    }

    /** {@code CALLED ON NULL INPUT} or {@code RETURNS NULL ON NULL INPUT} (the default), if written here. */
    private static boolean nullInput(Tokens tokens, boolean otherwise) {
        if (tokens.acceptWord("CALLED")) {
            tokens.expectWord("ON");
            tokens.expectWord("NULL");
            tokens.expectWord("INPUT");
            return true;
        }
        if (tokens.acceptWord("RETURNS")) {
            tokens.expectWord("NULL");
            tokens.expectWord("ON");
            tokens.expectWord("NULL");
            tokens.expectWord("INPUT");
            return false;
        }
        return otherwise;
    }

    private static WasmType type(Tokens tokens, String name) {
        if (name.equalsIgnoreCase("DOUBLE") && tokens.acceptWord("PRECISION")) {
            return WasmType.DOUBLE;
        }
        return WasmType.of(name);
    }

    private static WasmLimits limits(Tokens tokens) {
        long timeoutMillis = WasmLimits.DEFAULT.timeoutMillis();
        int memoryPages = WasmLimits.DEFAULT.memoryPages();
        boolean wasi = WasmLimits.DEFAULT.wasi();
        tokens.expect("(");
        do {
            String option = tokens.identifier("an option").toLowerCase(Locale.ROOT);
            tokens.expect("=");
            String value = tokens.value();
            switch (option) {
                case "timeout_ms" -> timeoutMillis = number(option, value);
                case "memory_pages" -> memoryPages = (int) Math.min(Integer.MAX_VALUE, number(option, value));
                case "wasi" -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new CoddException(ErrorCode.INVALID_ARGUMENT, "wasi is true or false, not " + value);
                    }
                    wasi = Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                }
                case "fuel" -> throw new CoddException(ErrorCode.NOT_SUPPORTED, "fuel is not counted: Chicory's "
                        + "compiled code has no fuel meter; limit time with timeout_ms (per batch of rows) instead");
                default -> throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Unknown option " + option
                        + "; the options are timeout_ms, memory_pages and wasi");
            }
        } while (tokens.accept(","));
        tokens.expect(")");
        return new WasmLimits(timeoutMillis, memoryPages, wasi);
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, option + " is a whole number, not " + value);
        }
    }

    /** Words, quoted names, string literals, numbers and punctuation, read left to right. */
    final class Tokens {
        private static final Pattern TOKEN = Pattern.compile(
                "\\s*(?:(?<word>[A-Za-z_][A-Za-z0-9_$]*)|\"(?<quoted>(?:[^\"]|\"\")*)\"|'(?<string>(?:[^']|'')*)'"
                        + "|(?<number>-?[0-9]+)|(?<punct>[(),=;]))");
        private final String sql;
        private final Matcher matcher;
        private int position;

        Tokens(String sql) {
            this.sql = sql;
            this.matcher = TOKEN.matcher(sql);
        }

        private Matcher next() {
            matcher.region(position, sql.length());
            return matcher.lookingAt() ? matcher : null;
        }

        boolean acceptWord(String word) {
            Matcher next = next();
            if (next != null && next.group("word") != null && next.group("word").equalsIgnoreCase(word)) {
                position = next.end();
                return true;
            }
            return false;
        }

        void expectWord(String word) {
            if (!acceptWord(word)) {
                throw expected(word);
            }
        }

        boolean accept(String punctuation) {
            Matcher next = next();
            if (next != null && punctuation.equals(next.group("punct"))) {
                position = next.end();
                return true;
            }
            return false;
        }

        void expect(String punctuation) {
            if (!accept(punctuation)) {
                throw expected("'" + punctuation + "'");
            }
        }

        boolean peekIdentifier() {
            Matcher next = next();
            return next != null && (next.group("word") != null || next.group("quoted") != null);
        }

        String identifier(String what) {
            Matcher next = next();
            if (next == null || next.group("word") == null && next.group("quoted") == null) {
                throw expected(what);
            }
            position = next.end();
            return next.group("word") != null ? next.group("word") : next.group("quoted").replace("\"\"", "\"");
        }

        String string(String what) {
            Matcher next = next();
            if (next == null || next.group("string") == null) {
                throw expected(what + " in single quotes");
            }
            position = next.end();
            return next.group("string").replace("''", "'");
        }

        /** An option's value: a word, a number or a string. */
        String value() {
            Matcher next = next();
            if (next == null || next.group("punct") != null) {
                throw expected("a value");
            }
            position = next.end();
            return next.group("string") != null ? next.group("string").replace("''", "'")
                    : next.group("number") != null ? next.group("number") : next.group(next.group("word") != null ? "word" : "quoted");
        }

        void end() {
            accept(";");
            if (!sql.substring(position).isBlank()) {
                throw new CoddException(ErrorCode.SYNTAX_ERROR, "Syntax error at character " + nextCharacter()
                        + ": unexpected '" + sql.substring(position).strip() + "'");
            }
        }

        private CoddException expected(String what) {
            String rest = sql.substring(position).strip();
            return new CoddException(ErrorCode.SYNTAX_ERROR, "Syntax error at character " + nextCharacter()
                    + ": expected " + what + (rest.isEmpty() ? " but the statement ends"
                    : " but found '" + (rest.length() > 20 ? rest.substring(0, 20) + "…" : rest) + "'"));
        }

        /** Where the next token starts, counting from 1. */
        private int nextCharacter() {
            int at = position;
            while (at < sql.length() && Character.isWhitespace(sql.charAt(at))) {
                at++;
            }
            return at + 1;
        }
    }
}
