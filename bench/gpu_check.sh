#!/usr/bin/env bash
# GPU readiness check, at most 8 minutes on one CUDA GPU (each step has its own timeout):
#   1. run.py in bf16 on a t5-base-shaped model (random weights), --packing, DeepSpeed
#      ZeRO-2 on one GPU: trains, saves a checkpoint, evaluates;
#   2. bench/train_bench.py --model_config t5-base --bf16, SDPA attention: the four ways
#      (stream, packed, dynamic, pad-to-max) with MFU;
#   3. the same for stream and packed with torch.compile on;
#   4. with 2 GPUs or more: a 2-rank tensor-parallel run.py (--tensor_parallel_size 2).
# Everything it prints goes to $OUT/gpu_check.log (default bench/results/gpu_check/), the
# benches' tables next to it; commit that folder. Needs the project's environment
# (make setup) and the demo assets (built if missing); nothing is downloaded.
#
#   bash bench/gpu_check.sh              # on the GPU machine
#   bash bench/gpu_check.sh --dry_run    # anywhere: print the steps, run nothing
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
OUT=${OUT:-bench/results/gpu_check}
STEPS=${STEPS:-40}
DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry_run) DRY_RUN=1 ;;
    *) echo "gpu_check: unknown argument $arg (use --dry_run, or none)" >&2; exit 2 ;;
  esac
done

if [[ $DRY_RUN == 0 ]]; then
  GPUS=$($PY -c "import torch; print(torch.cuda.device_count())")
  if [[ "$GPUS" -lt 1 ]]; then
    echo "gpu_check: no CUDA GPU visible (torch.cuda.device_count() is 0); run it on a GPU" \
         "machine, or pass --dry_run to print the steps" >&2
    exit 2
  fi
else
  GPUS=${GPUS:-2}  # a dry run prints every step
fi
mkdir -p "$OUT"
LOG="$OUT/gpu_check.log"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say() { echo "$*" | tee -a "$LOG"; }
step() {  # step SECONDS COMMAND...: prints it, runs it (unless --dry_run) within SECONDS
  local limit=$1; shift
  say "+ [$limit s] $*"
  [[ $DRY_RUN == 1 ]] && return 0
  local start=$SECONDS code=0
  timeout --signal=TERM --kill-after=20 "$limit" "$@" 2>&1 | tee -a "$LOG" || code=$?
  say "= exit $code after $((SECONDS - start)) s"
}

: > "$LOG"
say "gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ), $GPUS GPU(s), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[[ $DRY_RUN == 1 ]] || say "$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -4)"

MODEL="$WORK/t5-base-random"
step 60 $PY -c "import shutil, sys; sys.path.insert(0, '.'); from caches import demo_assets; \
demo_assets.ensure_demo_assets(verbose=False); import transformers; \
from bench.train_bench import T5_BASE; transformers.set_seed(42); \
transformers.T5ForConditionalGeneration(transformers.T5Config(**T5_BASE)).save_pretrained('$MODEL'); \
shutil.copyfile(str(demo_assets.DEMO_VOCAB_PATH), '$MODEL/spiece.model'); \
print('t5-base shape, random weights: $MODEL')"

RUN_ARGS=(--model_name_or_path "$MODEL" --dataset_name glue_mix.flan --do_train --do_eval
          --max_steps "$STEPS" --save_steps "$STEPS" --per_device_train_batch_size 16
          --per_device_eval_batch_size 32 --max_eval_samples 256 --max_source_length 1024
          --max_target_length 64 --learning_rate 1e-3 --lr_scheduler_type constant
          --logging_steps 10 --bf16 --packing --report_to none --disable_tqdm true)
step 120 $PY -m torch.distributed.run --standalone --nproc_per_node 1 run.py "${RUN_ARGS[@]}" \
  --deepspeed configs/zero2.json --output_dir "$WORK/zero2"

BENCH=(--model_config t5-base --bf16 --attn_implementation sdpa --batch_size 16
       --max_steps 20 --warmup_steps 5 --max_source_length 1024 --max_target_length 64)
step 150 $PY bench/train_bench.py "${BENCH[@]}" --out "$OUT/train_bench_t5base_bf16.txt"
step 90 $PY bench/train_bench.py "${BENCH[@]}" --ways stream,packed --torch_compile \
  --out "$OUT/train_bench_t5base_bf16_compile.txt"

if [[ "$GPUS" -ge 2 ]]; then
  step 60 $PY -m torch.distributed.run --standalone --nproc_per_node 2 run.py "${RUN_ARGS[@]}" \
    --tensor_parallel_size 2 --max_steps 20 --save_steps 20 --output_dir "$WORK/tp2"
else
  say "(one GPU: the 2-rank tensor-parallel run is skipped)"
fi
say "gpu_check done; commit $OUT"
