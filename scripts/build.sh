#!/usr/bin/env bash
# Configures and builds into build/ (binaries in build/bin/): everything, or only the targets
# named as arguments (scripts/build.sh migrationd migrationctl).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir="${RMS_BUILD_DIR:-$root/build}"
launcher=()
# ccache, when the machine has it, makes rebuilds in other checkouts cheap; CI does not need it.
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  "${launcher[@]}" ${RMS_CMAKE_ARGS:-} >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
