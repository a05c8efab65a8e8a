#!/usr/bin/env bash
# Spark scaling benchmark (issue 18): the 1M-user funnel world, one epoch, trained by the local loop,
# by Spark local[1] and by Spark local[2] (synchronous mode), each in its own JVM through ./mtl4j.
# Prints each run's per-step split (state, compute, encode, decode, driver, scheduling/transfer/merge;
# bytes broadcast and returned per step), the epoch's rows/s, the metrics and the load average.
#
#   spark/bench/scaling.sh [WORK_DIR]      (default /tmp/mtl4j-spark-bench)
#
# Environment: ROWS (training rows, default 200000), BATCH (global batch, default 512), MODES (default
# "local spark1 spark2"), MTL4J_HEAP (default 3g), MTL4J_MVN_ARGS (e.g. "-o -Dmaven.repo.local=..." to
# build without touching ~/.m2). Results of 2026-12-02 are in spark/README.md ("Evidence").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-/tmp/mtl4j-spark-bench}
ROWS=${ROWS:-200000}
BATCH=${BATCH:-512}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MTL4J_HEAP=${MTL4J_HEAP:-3g} MTL4J_LOG_LEVEL=${MTL4J_LOG_LEVEL:-warn}
mkdir -p "$WORK"
D="$WORK/funnel1m"
if [ ! -f "$D/train.csv" ]; then
  "$ROOT/mtl4j" generate funnel --users 1000000 --items 200000 --rows "$ROWS" --test-rows $(( ROWS / 10 )) --seed 11 --out "$D"
fi
SET=(--set training.batchSize=$BATCH --set training.diagnosticsEvery=0 --epochs 1 --no-progress)
for mode in ${MODES:-local spark1 spark2}; do
  out="$WORK/run-$mode"; rm -rf "$out"
  echo "== $mode $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
  case $mode in
    local)  args=() ;;
    spark1) args=(--spark 'local[1]' --partitions 1) ;;
    spark2) args=(--spark 'local[2]' --partitions 2) ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  /usr/bin/time -f "process wall %e s, peak RSS %M KB" "$ROOT/mtl4j" train "${args[@]}" --spec "$D/spec.yaml" \
    --data "$D/train.csv" --valid "$D/test.csv" --out "$out" "${SET[@]}" 2> >(grep -v " INFO \|^\s*at \|WARN\|SLF4J" >&2)
  python3 - "$out/history.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["epochs"][0]
print(f"epoch: {e['rows']} rows in {e['seconds']:.2f} s = {e['rows'] / e['seconds']:.0f} rows/s")
PY
  echo "== end $mode $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
done
