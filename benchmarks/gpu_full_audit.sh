#!/usr/bin/env bash
# The full-scale audit of all three papers on one CUDA machine, and `lamcheck bench` there.
#
# The device machine (see docs/performance.md, "GPU run") has python3 3.12 with torch, numpy, scipy, sympy,
# hypothesis and matplotlib, no network, and lacks cvxpy and its solvers: those travel as wheels.
#
#   1. here, with network, once:   bash benchmarks/gpu_full_audit.sh fetch
#        downloads the cp312 manylinux wheels into .whl/ (and git-excludes .whl/)
#   2. on the device, one command, carry [".whl"], timeout_s 590:
#        bash benchmarks/gpu_full_audit.sh audit
#        installs the wheels into /tmp/site, runs `lamcheck audit --scale full --device cuda --jobs N` paper by
#        paper (each under a time limit, so one slow paper cannot lose the others), and leaves in $OUT:
#        report-<paper>.json (3), reports.tar.gz (report.md, report.json and figures of every paper), audit.log
#   3. on the same warm machine, right after:  bash benchmarks/gpu_full_audit.sh bench
#        `lamcheck bench --json --device cuda` (trainer and lamcheck's pipeline on the GPU, the protocol baseline on
#        one CPU core as the authors ran it) -> $OUT/bench.json, $OUT/bench.log
#
# Knobs (environment): SCALE (full), DEVICE (cuda), JOBS (nproc), PAPERS ("zhang2025 lee2026 lachapelle2025"),
# CLAIMS (claim ids; replaces PAPERS), PAPER_TIMEOUT (s per paper, default 170), BENCH_ARGS, PYTHON (python3),
# OUT (a temporary folder when unset). A check on the CPU at a tiny size, from the repository root:
#   SCALE=ci DEVICE=cpu CLAIMS=ZP-P1 PYTHON=.venv/bin/python BENCH_ARGS="--json --tiny" \
#     bash benchmarks/gpu_full_audit.sh audit && ... bench
set -uo pipefail

PHASE=${1:-audit}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
PY=${PYTHON:-python3}
OUT=${OUT:-$(mktemp -d)}
SCALE=${SCALE:-full}
DEVICE=${DEVICE:-cuda}
JOBS=${JOBS:-$(nproc)}
PAPERS=${PAPERS:-"zhang2025 lee2026 lachapelle2025"}
CLAIMS=${CLAIMS:-}
PAPER_TIMEOUT=${PAPER_TIMEOUT:-170}
BENCH_ARGS=${BENCH_ARGS:-"--json --device $DEVICE"}
# cvxpy and what it needs beyond the device image (versions as in the development environment). lamcheck solves
# with CLARABEL only and cvxpy imports its other solvers lazily, so scs (43 MB), sparsediffpy (12 MB), highspy and
# osqp stay behind (checked on the CPU by blocking their imports: cvxpy and the Fantope certificate still work);
# the wheels then take 7.4 MB of the 64 MiB a device call may carry.
WHEELS="cvxpy==1.9.3 clarabel==0.11.1 qdldl==0.1.9.post1 cffi==2.1.1 pycparser==3.12"
export PYTHONUNBUFFERED=1

install() {
  if ! "$PY" -c "import cvxpy, clarabel" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || return 1
    export PYTHONPATH="$ROOT:/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
  else
    export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
  fi
  "$PY" - <<'EOF' || return 1
import torch, cvxpy, lamcheck.cli  # noqa: F401
print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "cvxpy", cvxpy.__version__)
EOF
}

case "$PHASE" in
  fetch)
    mkdir -p .whl .git/info
    grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
    # shellcheck disable=SC2086
    "$PY" -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl $WHEELS
    ls -la .whl; du -sh .whl
    ;;
  audit)
    mkdir -p "$OUT"
    { install || { echo "install failed"; exit 3; }
      nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>/dev/null || true
      work=$(mktemp -d)
      if [ -n "$CLAIMS" ]; then targets=("claims"); else read -r -a targets <<< "$PAPERS"; fi
      for t in "${targets[@]}"; do
        if [ "$t" = claims ]; then sel=(--claim $CLAIMS); name=claims; else sel=(--paper "$t"); name=$t; fi
        echo "=== $name: lamcheck audit --scale $SCALE --device $DEVICE --jobs $JOBS (limit ${PAPER_TIMEOUT}s)"
        start=$(date +%s)
        timeout "$PAPER_TIMEOUT" "$PY" -m lamcheck audit "${sel[@]}" --scale "$SCALE" --device "$DEVICE" \
          --jobs "$JOBS" --out "$work/report-$name"
        echo "=== $name: exit $? after $(( $(date +%s) - start )) s"
        [ -f "$work/report-$name/report.json" ] && cp "$work/report-$name/report.json" "$OUT/report-$name.json"
      done
      tar -czf "$OUT/reports.tar.gz" -C "$work" . && ls -la "$OUT"
    } 2>&1 | tee "$OUT/audit.log"
    ;;
  bench)
    mkdir -p "$OUT"
    { install || { echo "install failed"; exit 3; }
      # shellcheck disable=SC2086
      "$PY" -m lamcheck bench $BENCH_ARGS > "$OUT/bench.json"
      echo "bench exit $?"; head -c 1500 "$OUT/bench.json"; echo
    } 2>&1 | tee "$OUT/bench.log"
    ;;
  *)
    echo "usage: $0 fetch|audit|bench" >&2; exit 2
    ;;
esac
