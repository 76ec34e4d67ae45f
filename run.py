"""Train and evaluate a T5 on a registered task or mixture: the one script that wires a run.

    torchrun --nproc_per_node 8 run.py --dataset_name glue_mix.flan \\
        --model_name_or_path /models/t5-base --output_dir out/run1 --do_train --do_eval ...

In order: registry, names, model, per-rank data, ``--do_train``/``--do_eval``, then the
``--shots`` table. Flags: ``trainer.arguments``. Errors are one line (exit 2 for a command
line or setup problem, 1 otherwise; ``--debug`` for the traceback); a SIGTERM while
training saves a checkpoint and exits 143. See docs/training.md, "How run.py wires a run".
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before anything imports TensorFlow
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from common.errors import UserError, cli_main, rank_from_env  # noqa: E402
from common import seqio_compat  # noqa: E402,F401  (before seqio, mixtures, trainer)

import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

logger = logging.getLogger("run")


class RunError(UserError, ValueError):
    """A run that cannot start as asked (one line: the problem and the fix)."""


def setup_logging(training_args) -> None:
    """Rank 0 logs at INFO (HF's own loggers at its ``--log_level``); other ranks only errors."""
    import transformers
    main = training_args.process_index == 0
    level = logging.INFO if main else logging.ERROR
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S", level=level, stream=sys.stdout, force=True)
    for name in ("run", "trainer", "tasks", "caches", "mixtures"):
        logging.getLogger(name).setLevel(level)
    # absl (TFDS, seqio) logs every dataset it builds at INFO: too much for rank 0 too.
    for name in ("absl", "datasets"):
        logging.getLogger(name).setLevel(logging.WARNING if main else logging.ERROR)
    if not main:
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
    hf_level = training_args.get_process_log_level() if main else logging.ERROR
    transformers.utils.logging.set_verbosity(hf_level)
    transformers.utils.logging.disable_default_handler()
    transformers.utils.logging.enable_propagation()
    # "Loading weights" / "Writing model shards" bars would cut through the training bar.
    transformers.utils.logging.disable_progress_bar()
    if not main:
        import warnings
        warnings.filterwarnings("ignore")  # rank 0 gives each warning once


def configure_registry(model_path, model_args, data_args, training_args) -> str:
    """Registers tasks, mixtures, data dir, vocabulary, caches, few-shot seed; returns the vocab file."""
    from mixtures.setup import setup_registry
    return setup_registry(task_modules=data_args.task_modules,
                          tfds_data_dir=data_args.tfds_data_dir,
                          vocab_path=model_args.vocab_path, model_path=model_path,
                          cache_dir=data_args.cache_dir, fewshot_seed=training_args.seed,
                          fewshot_layout=data_args.fewshot_layout)


def resolve_names(data_args, training_args) -> dict:
    """``{"train"/"eval": provider}``: the datasets asked for, looked up once.

    Each must be registered (else one line with the nearest names) and have the split
    used; the objects travel down in the streams' ``StreamConfig``.
    """
    from tasks import lookup, shots
    from trainer import data

    if not data_args.dataset_name:
        raise RunError("pass --dataset_name NAME (a registered task or mixture; list them with "
                       "`python -m tasks list`)")
    wanted, roles = [], []
    if training_args.do_train:
        roles.append("train")
        wanted.append((data_args.dataset_name, "train", "--do_train needs one: pick another "
                       "--dataset_name or drop --do_train"))
    if training_args.do_eval or training_args.do_predict:
        roles.append("eval")
        wanted.append((data_args.eval_dataset_name, data_args.eval_split,
                       "pick another --eval_dataset_name or --eval_split"))
    providers = {}
    for role, (name, split, fix) in zip(roles, wanted):
        provider = providers[role] = lookup.get_provider(name)
        try:
            members = data.member_tasks(provider, split)
        except ValueError as err:
            raise RunError(f"{err}; {fix}") from None
        # A few-shot task whose prompts cannot hold one exemplar trains with none: say so.
        shots.check_source_length(members, data_args.max_source_length)
    return providers


def prediction_shots(data_args, training_args) -> list:
    """The shot settings to predict and score after training (empty: the eval loss only).

    ``--shots`` with ``--do_eval`` or ``--do_predict``; ``--do_predict`` alone, or
    ``--do_eval --predict_with_generate``, mean zero-shot (the tasks as named).
    """
    text = data_args.shots
    if text is None and (training_args.do_predict or
                         (training_args.do_eval and training_args.predict_with_generate)):
        text = "0"
    if text is None:
        return []
    if not (training_args.do_eval or training_args.do_predict):
        raise RunError("--shots needs --do_eval or --do_predict")
    from eval import report
    try:
        return report.parse_shots(text)
    except ValueError as err:
        raise RunError(f"--shots {text!r}: {err}") from None


def predict_and_score(model, shots: list, data_args, training_args, eval_cfg):
    """Predictions of ``--eval_dataset_name`` per shot setting, their metrics and the shot table.

    Files go to ``--output_dir``: ``predictions/<task>.jsonl``, ``metrics.json``,
    ``results.json`` / ``results.md`` / ``shots.png``; rank 0 prints the table.
    """
    from eval import report
    from trainer.parallel import sharded
    templates = ([int(t) for t in data_args.templates.split(",")]
                 if data_args.templates else None)
    model_name = os.path.basename(os.path.normpath(training_args.output_dir))
    # One line per task read would bury the table: the progress bar shows the tasks.
    logging.getLogger("trainer.data").setLevel(logging.WARNING)
    try:
        with sharded.root_unsharded(model):  # FSDP2 replicas: the encoder is called directly
            return report.evaluate_shots(
                model, eval_cfg.replace(provider=[data_args.eval_dataset_name]), shots,
                training_args.output_dir, templates=templates, select_on=data_args.select_on,
                title=f"{model_name} on {data_args.eval_dataset_name}",
                meta=dict(model=training_args.output_dir, dataset_name=data_args.eval_dataset_name),
                batch_size=training_args.per_device_eval_batch_size,
                num_beams=training_args.generation_num_beams or 1,
                method=data_args.eval_method, show_progress=not training_args.disable_tqdm)
    except ValueError as err:
        raise RunError(str(err)) from None


def parallel_dims(model_args, training_args):
    """The run's ``ParallelDims`` under ``--tensor_parallel_size T > 1`` (None: data parallel only).

    ``T`` must divide the number of processes; the ``W / T`` data-parallel replicas are
    composed with TP by FSDP2 (``trainer.parallel.tp.parallelize``), so neither
    ``--deepspeed`` nor HF's ``--fsdp`` goes with it.
    """
    tp = model_args.tensor_parallel_size
    if tp == 1:
        return None
    from trainer.parallel import dims
    dims.check_compatible(tp, training_args.deepspeed)
    if training_args.fsdp:
        raise RunError(f"--tensor_parallel_size {tp} cannot be combined with --fsdp (HF's FSDP); drop "
                       f"--fsdp: the data-parallel replicas next to TP already use FSDP2")
    return dims.ParallelDims.from_env(tp)


def resolve_model_path(model_args, training_args) -> str:
    """``--model_name_or_path``, or the demo model (built on first use, rank 0 first)."""
    if model_args.model_name_or_path:
        if not os.path.isfile(os.path.join(model_args.model_name_or_path, "config.json")):
            raise RunError(f"--model_name_or_path {model_args.model_name_or_path}: no config.json "
                           f"there; pass a local HF model folder (no hub downloads here)")
        return model_args.model_name_or_path
    from tasks import paths
    path = str(paths.DEMO_MODEL_DIR)
    with training_args.main_process_first(desc="demo model"):
        if not os.path.isfile(os.path.join(path, "config.json")):
            from caches import demo_assets
            demo_assets.ensure_demo_assets(verbose=rank_from_env() == 0)
    logger.info("no --model_name_or_path: using the demo model %s (a tiny random T5)", path)
    return path


def build_tokenizer(vocab_file: str):
    """``T5Tokenizer`` of the run's SentencePiece file (100 sentinels, as seqio's vocabulary)."""
    from transformers import T5Tokenizer
    folder = tempfile.mkdtemp(prefix="run-vocab-")
    try:
        shutil.copyfile(vocab_file, os.path.join(folder, "spiece.model"))
        return T5Tokenizer.from_pretrained(folder, extra_ids=100)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def load_model(model_path: str, model_args, tokenizer):
    """``T5ForConditionalGeneration.from_pretrained`` with ``--config_overrides`` (vocabulary checked)."""
    from transformers import AutoConfig, T5ForConditionalGeneration
    unusable = (f"--model_name_or_path {model_path}: not a loadable model folder ({{}}); pass a "
                f"folder written by save_pretrained (config.json and model.safetensors)")
    try:
        config = AutoConfig.from_pretrained(model_path)
    except (OSError, ValueError) as err:
        raise RunError(unusable.format(" ".join(str(err).split())[:200])) from None
    if model_args.config_overrides:
        try:
            config.update_from_string(model_args.config_overrides)
        except ValueError as err:
            raise RunError(f"--config_overrides {model_args.config_overrides}: {err}") from None
    if len(tokenizer) > config.vocab_size:
        raise RunError(f"the vocabulary has {len(tokenizer)} ids but {model_path} embeds only "
                       f"{config.vocab_size}; pass the --vocab_path the model was trained with")
    from safetensors import SafetensorError
    try:
        return T5ForConditionalGeneration.from_pretrained(model_path, config=config)
    except (OSError, ValueError, RuntimeError, SafetensorError) as err:  # no or truncated weights
        raise RunError(unusable.format(" ".join(str(err).split())[:200])) from None


def prepare_output_dir(training_args) -> str | None:
    """The checkpoint to resume from (None: a fresh start); clears old checkpoints when overwriting."""
    from trainer import checkpoints
    resume = checkpoints.resolve_resume(training_args.resume_from_checkpoint,
                                        training_args.output_dir,
                                        training_args.overwrite_output_dir)
    if resume is None and training_args.overwrite_output_dir:
        with training_args.main_process_first(local=False, desc="clear output dir"):
            if training_args.process_index == 0:
                removed = checkpoints.remove_checkpoints(training_args.output_dir)
                if removed:
                    logger.info("--overwrite_output_dir: removed %s from %s", ", ".join(removed),
                                training_args.output_dir)
    elif resume is not None and not training_args.resume_from_checkpoint:
        logger.info("resuming from %s (the newest complete checkpoint in --output_dir; pass "
                    "--overwrite_output_dir true to start afresh)", resume)
    return resume


def data_shard(training_args, dims):
    """This rank's ``seqio.ShardInfo``: by data-parallel rank (tensor-parallel peers share one)."""
    import seqio
    if dims is not None:
        index, num_shards = dims.data_shard()
        return seqio.ShardInfo(index=index, num_shards=num_shards)
    return seqio.ShardInfo(index=training_args.process_index, num_shards=training_args.world_size)


def stream_configs(data_args, training_args, shard, providers) -> tuple:
    """``(train StreamConfig or None, eval StreamConfig or None)`` of this data-parallel rank."""
    from trainer.config import StreamConfig

    common = dict(shard=shard, seed=training_args.seed,
                  max_source_length=data_args.max_source_length,
                  max_target_length=data_args.max_target_length)
    train = evaluation = None
    if training_args.do_train:
        train = StreamConfig(providers["train"], "train", max_samples=data_args.max_train_samples,
                             **common)
    if training_args.do_eval or training_args.do_predict:
        evaluation = StreamConfig(providers["eval"], data_args.eval_split, num_epochs=1,
                                  shuffle=False, max_samples=data_args.max_eval_samples, **common)
    return train, evaluation


def build_streams(data_args, training_args, train_cfg, eval_cfg):
    """``(train stream or None, eval stream or None)`` of this data-parallel rank."""
    from trainer import inputs
    from trainer.parallel import ranks

    train = evaluation = None
    if train_cfg is not None:
        epochs = inputs.train_epochs(training_args.max_steps, training_args.num_train_epochs)
        train_cfg = train_cfg.replace(num_epochs=epochs)
        if epochs is not None:
            # Batches are of packed rows with --packing: an epoch is its rows.
            count = inputs.count_rows if data_args.packing else inputs.count_examples
            examples = ranks.min_over_ranks(count(train_cfg))
            steps = inputs.count_train_steps(
                examples, num_train_epochs=training_args.num_train_epochs,
                batch_size=training_args.per_device_train_batch_size,
                gradient_accumulation_steps=training_args.gradient_accumulation_steps)
            if examples == 0:
                raise RunError(f"{data_args.dataset_name}: the train split has no examples (on the "
                               f"smallest rank's shard); check the task's source or pick another "
                               f"--dataset_name")
            if steps < 1:
                raise RunError(f"{data_args.dataset_name}: {examples} train examples per rank make "
                               f"no full optimizer step; lower the batch size or pass --max_steps")
            training_args.max_steps = steps
            logger.info("%d epochs of %d %s per rank: %d optimizer steps", epochs, examples,
                        "packed rows" if data_args.packing else "examples", steps)
        train = inputs.build_train_stream(
            train_cfg, batch_size=training_args.per_device_train_batch_size,
            packing=data_args.packing)
    if eval_cfg is not None and training_args.do_eval:
        evaluation = inputs.build_eval_stream(
            eval_cfg, batch_size=training_args.per_device_eval_batch_size,
            packing=data_args.packing)
    return train, evaluation


def run(argv: list) -> int:
    """Parses ``argv`` and runs training and/or evaluation; returns the exit status."""
    from trainer.arguments import parse_args

    model_args, data_args, training_args = parse_args(argv)
    setup_logging(training_args)
    dims = parallel_dims(model_args, training_args)
    if not (training_args.do_train or training_args.do_eval or training_args.do_predict):
        raise RunError("nothing to do: pass --do_train, --do_eval and/or --do_predict")
    if training_args.dataloader_num_workers:
        raise RunError("--dataloader_num_workers must be 0: streams are read in the main process "
                       "(tf.data already reads and prefetches in its own threads)")
    shots = prediction_shots(data_args, training_args)

    model_path = resolve_model_path(model_args, training_args)
    vocab_file = configure_registry(model_path, model_args, data_args, training_args)
    providers = resolve_names(data_args, training_args)
    resume = prepare_output_dir(training_args) if training_args.do_train else None

    tokenizer = build_tokenizer(vocab_file)
    model = load_model(model_path, model_args, tokenizer)
    shard = data_shard(training_args, dims)
    train_cfg, eval_cfg = stream_configs(data_args, training_args, shard, providers)
    train_stream, eval_stream = build_streams(data_args, training_args, train_cfg, eval_cfg)

    kwargs = dict(model=model, args=training_args, train_dataset=train_stream,
                  eval_dataset=eval_stream, processing_class=tokenizer, vocab_file=vocab_file,
                  stream_meta={"dataset": data_args.dataset_name, "seed": training_args.seed,
                               "num_ranks": training_args.world_size,
                               "packing": data_args.packing})
    if dims is not None:
        from trainer.parallel import tp
        from trainer.sharded_trainer import ShardedStreamTrainer
        # FSDP2 only to train replicas: evaluating alone, each replica holds its TP shards.
        fsdp = dims.dp_enabled and training_args.do_train
        tp.parallelize(model.to(training_args.device), dims, fsdp=fsdp)
        logger.info("tensor parallel: %d replica(s) x %d-way TP%s", dims.dp, dims.tp,
                    ", FSDP2 over the replicas" if fsdp else "")
        trainer = ShardedStreamTrainer(dims=dims, **kwargs)
    else:
        from trainer.hf import StreamTrainer
        trainer = StreamTrainer(**kwargs)

    if training_args.do_train:
        result = trainer.train(resume_from_checkpoint=resume)
        if train_stream.counters.examples == 0:  # an empty split: HF stops at step 0, no error
            raise RunError(f"{data_args.dataset_name}: the train split gave no examples, nothing "
                           f"was trained (model not saved); check the task's source or pick "
                           f"another --dataset_name")
        trainer.save_model()
        trainer.log_metrics("train", result.metrics)
        trainer.save_metrics("train", result.metrics)
        trainer.save_state()
        logger.info("model saved in %s", training_args.output_dir)
    if training_args.do_eval:
        metrics = trainer.evaluate()
        if metrics.get("eval_samples") == 0:  # eval_loss would be NaN: no results written
            raise RunError(f"{data_args.eval_dataset_name}: the {data_args.eval_split} split gave "
                           f"no examples to evaluate; pick another --eval_dataset_name or "
                           f"--eval_split")
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
    if shots:
        predict_and_score(trainer.model, shots, data_args, training_args, eval_cfg)
    return 0


def run_or_stop(argv: list) -> int:
    """``run(argv)``; a SIGTERM that saved a checkpoint prints one ``stopped:`` line."""
    from trainer.checkpoints import EXIT_PREEMPTED, Preempted
    from trainer.parallel import ranks
    try:
        code = run(argv)
        if code == 0:
            # Every rank got here: leave the process group now, not in the interpreter's
            # teardown, where a still-joinable communication thread aborts the process
            # ("terminate called without an active exception", exit -6).
            ranks.leave_group()
        return code
    except Preempted as err:  # checkpoint saved: not an error, but not done either
        if rank_from_env() == 0:
            print(f"stopped: {err}", file=sys.stderr, flush=True)
        return EXIT_PREEMPTED


def main(argv: list | None = None) -> int:
    """Entry point: ``run(argv)`` with one-line errors (tracebacks with ``--debug``)."""
    return cli_main(run_or_stop, argv)


if __name__ == "__main__":
    sys.exit(main())
