package dev.codd.executors.wasm;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A user's WASM function as a node runs it; it travels in fragment tickets. One whose module may
 * read clocks or random numbers ({@code wasi}) is volatile: evaluated anew for every row.
 *
 * @param name the name users call it by
 * @param cid the content identifier of its module
 * @param export the function the module exports for it
 * @param calledOnNullInput whether rows with NULL arguments are passed to it too, each argument followed by
 *     an i32 that is 1 when it is NULL (SQL's CALLED ON NULL INPUT); otherwise they give NULL without a call
 */
public record WasmFunction(String name, String cid, String export, List<WasmType> parameters, WasmType returns,
        boolean calledOnNullInput, WasmLimits limits) {
    public WasmFunction {
        requireNonNull(name, "name is null");
        requireNonNull(cid, "cid is null");
        requireNonNull(export, "export is null");
        parameters = List.copyOf(parameters);
        requireNonNull(returns, "returns is null");
        requireNonNull(limits, "limits is null");
    }

    /**
     * The name it has in DuckDB and in fragment SQL: one per definition, since DuckDB cannot drop
     * a function it registered, and a name that users cannot write by accident.
     */
    public String internalName() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            String definition = String.join("\n", name, cid, export, parameters.toString(), returns.name(),
                    Boolean.toString(calledOnNullInput), limits.toString());
            byte[] digest = sha256.digest(definition.getBytes(StandardCharsets.UTF_8));
            return "codd_wasm_" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** How the function reads in SQL, as {@code name(INTEGER, VARCHAR) RETURNS DOUBLE}. */
    public String signature() {
        return signature(parameters.stream().map(type -> "").toList());
    }

    /** The same, each parameter with its name: {@code name(x INTEGER, s VARCHAR) RETURNS DOUBLE}. */
    public String signature(List<String> parameterNames) {
        StringBuilder signature = new StringBuilder(name).append('(');
        for (int i = 0; i < parameters.size(); i++) {
            String parameterName = parameterNames.get(i);
            signature.append(i == 0 ? "" : ", ").append(parameterName).append(parameterName.isEmpty() ? "" : " ")
                    .append(parameters.get(i));
        }
        return signature.append(") RETURNS ").append(returns)
                .append(calledOnNullInput ? " CALLED ON NULL INPUT" : "").toString();
    }
}
