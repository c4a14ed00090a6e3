#!/usr/bin/env bash
# Builds the example WASM modules next to this script into $1: the tests and ./codd bench wasm
# register them.
# Without wat2wasm (Debian: wabt) or clang and wasm-ld (Debian: clang, lld) it builds none, and the
# WASM tests skip, unless the build asks for them with -Dcodd.require.wasm=true (as .ci/run does).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
if ! command -v wat2wasm >/dev/null || ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null; then
  echo "WASM test modules not built: install wabt, clang and lld to run the WASM tests" >&2
  exit 0
fi
for wat in "$src"/*.wat; do
  wat2wasm "$wat" -o "$out/$(basename "${wat%.wat}").wasm"
done
for c in "$src"/*.c; do
  clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/$(basename "${c%.c}").wasm" "$c"
done
