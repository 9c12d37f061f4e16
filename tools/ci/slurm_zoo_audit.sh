#!/bin/bash
# Audits a model zoo too large for one machine with a Slurm job array: each
# task takes a deterministic 1/N of the files (--shard, a stable hash of the
# path below the zoo's root) and writes its own JSON Lines.
#
#   sbatch tools/ci/slurm_zoo_audit.sh /shared/zoo /shared/audit
#
# When every task has finished, merge: the shards' rows sorted as bytes are
# the rows of a single run, byte for byte.
#
#   cat /shared/audit/shard-*.jsonl | LC_ALL=C sort > /shared/audit/zoo.jsonl
#
# A task exits 2 when one of its files could not be analyzed (an error row is
# written for it and the task goes on), so Slurm reports that task FAILED:
# grep '"error":' the merged file for the reasons.
#SBATCH --job-name=onnx-flops-audit
#SBATCH --array=0-15
#SBATCH --cpus-per-task=8
#SBATCH --mem=2G
#SBATCH --time=00:30:00
set -u
zoo=${1:?usage: sbatch slurm_zoo_audit.sh ZOO_DIR OUT_DIR}
out=${2:?usage: sbatch slurm_zoo_audit.sh ZOO_DIR OUT_DIR}
mkdir -p "$out"
exec "${ONNX_FLOPS:-onnx-flops}" "$zoo" --format jsonl --no-progress \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  > "$out/shard-${SLURM_ARRAY_TASK_ID}.jsonl" \
  2> "$out/shard-${SLURM_ARRAY_TASK_ID}.log"
