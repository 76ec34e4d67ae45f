"""torchrun worker for tests/test_eval_dist.py: predictions from 2 ranks on gloo (CPU).

Launched as ``torchrun --standalone --nproc_per_node 2 tests/eval_dist_worker.py --out DIR
--tasks a,b --settings JSON`` (``predict_to_files`` keyword arguments) with the demo model. Each rank predicts its shard of every task's validation
split and rank 0 writes ``DIR/plain/predictions/<task>.jsonl``; then the same again with
``lockstep=True`` (ranks agree on batch and decoder-chunk counts, as a ZeRO-3 or FSDP
model needs) into ``DIR/lockstep``. The test process compares them with one process.
"""

import argparse
import json
import os
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import tasks  # noqa: E402,F401  (seqio compat fix first)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--tasks", required=True)
    parser.add_argument("--settings", default="{}")
    parser.add_argument("--fewshot_seed", type=int, default=0)
    args = parser.parse_args()
    settings = json.loads(args.settings)
    dist.init_process_group("gloo")
    try:
        import mixtures
        mixtures.register_all()  # every built-in task and mixture
        from transformers import T5ForConditionalGeneration
        from eval.predict import predict_to_files
        from tasks import paths, shots
        shots.set_fewshot_seed(args.fewshot_seed)
        torch.set_num_threads(1)
        model = T5ForConditionalGeneration.from_pretrained(str(paths.DEMO_MODEL_DIR)).eval()
        from trainer.config import StreamConfig
        cfg = StreamConfig(args.tasks.split(","), **settings["stream"])
        predict_to_files(model, None, cfg, os.path.join(args.out, "plain"), **settings["decode"])
        predict_to_files(model, None, cfg, os.path.join(args.out, "lockstep"), lockstep=True,
                         **settings["decode"])
    except BaseException:  # a failing rank must end the launch, not hang its peer
        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    dist.barrier()
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
