#!/usr/bin/env bash
# Training throughput of the dl4j backend next to the PyTorch peer (../../shared/peer), back to back,
# same data (the MMoE paper's synthetic set, 100k rows, d = 100), batch, threads and epochs.
# Usage (from the repository root, after `mvn -q -B -o install -pl backends/dl4j`):
#   backends/dl4j/bench/compare-with-peer.sh [models] [epochs] [batch]
set -euo pipefail
MODELS=${1:-"sb mmoe ple"}
EPOCHS=${2:-5}
BATCH=${3:-256}
PEER=${PEER:-../shared/peer}
DATA=${DATA:-/tmp/mtl4j-mmoe-rho0.5}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
[ -f "$DATA/train.csv" ] || /usr/bin/python3 "$PEER/gen_synthetic.py" --rho 0.5 --out "$DATA" >/dev/null
CP=backends/dl4j/target/classes:backends/dl4j/target/test-classes:$(mvn -q -B -o dependency:build-classpath -pl backends/dl4j \
  -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
for m in $MODELS; do
  /usr/bin/python3 "$PEER/mtl_peer.py" --train "$DATA/train.csv" --test "$DATA/test.csv" --model "$m" --epochs "$EPOCHS" \
      --batch "$BATCH" --threads "$OMP_NUM_THREADS" | grep -E "epoch [1-9]|steady" | sed 's/ train_loss.*//'
  java -Xmx2g -cp "$CP" org.mtl4j.backend.dl4j.bench.ThroughputMain "$DATA/train.csv" "$m" "${EPOCHS_DL4J:-$EPOCHS}" "$BATCH" | grep '^\[dl4j\]'
done
