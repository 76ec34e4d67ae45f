"""Train and evaluate a T5 on a registered task or mixture: the one script that wires a run.

    torchrun --nproc_per_node 8 run.py --dataset_name glue_mix.flan \\
        --model_name_or_path /models/t5-base --output_dir out/run1 --do_train --do_eval ...
    python run.py --dataset_name glue_mix.flan --output_dir out/demo --do_train --max_steps 100

Flags: ``trainer.arguments`` (HF's Seq2SeqTrainingArguments plus the data and model
flags; older spellings such as ``--evaluation_strategy`` and ``--lr constant`` are read
with a warning). What happens, in order:

1. registry: the built-in tasks and mixtures (``import mixtures``), then
   ``--task_modules``, then the mixtures again (user families); ``--tfds_data_dir``;
   the vocabulary (``--vocab_path``, else ``spiece.model`` in the model folder, else the
   demo vocabulary); seqio caches from ``--cache_dir`` and ``$SEQIO_CACHE_DIR``; the
   few-shot exemplar seed is ``--seed``;
2. names: ``--dataset_name`` / ``--eval_dataset_name`` must be registered (an unknown
   one prints the nearest names and exits 2);
3. model: ``T5ForConditionalGeneration.from_pretrained(--model_name_or_path)`` (default:
   the demo model ``caches/demo-model``, built when missing); the tokenizer is the
   vocabulary's, saved with every model folder together with ``spiece.model``;
4. data: each data-parallel rank streams its own shard (``trainer.inputs``);
5. ``--do_train`` (resuming from ``--resume_from_checkpoint PATH|latest``, or from the
   newest complete checkpoint in ``--output_dir`` unless ``--overwrite_output_dir``),
   the final model saved in ``--output_dir``; ``--do_eval``: the eval loss.

Errors are one line (exit 2 for a command line or setup problem, 1 otherwise); pass
``--debug`` for the traceback. Only rank 0 logs.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before anything imports TensorFlow
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tasks  # noqa: E402,F401  (seqio compat fix: before seqio, mixtures, trainer)

import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

logger = logging.getLogger("run")


class RunError(ValueError):
    """A run that cannot start as asked (one line: the problem and the fix)."""


def _pop_debug(argv: list) -> tuple:
    """``(argv without a bare --debug, debug?)``; ``--debug OPTIONS`` (HF's) stays and also counts."""
    out, debug = [], False
    for i, token in enumerate(argv):
        if token == "--debug":
            debug = True
            if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
                continue  # ours: tracebacks, not HF's debug options
        elif token.startswith("--debug="):
            debug = True
        out.append(token)
    return out, debug


def _rank() -> int:
    return int(os.environ.get("RANK", "0"))


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
    import mixtures
    from tasks import cache_dirs, lookup, shots, sources, vocab

    lookup.load_task_modules(data_args.task_modules)
    mixtures.register_all()
    if data_args.tfds_data_dir:
        sources.set_tfds_data_dir(data_args.tfds_data_dir)
    vocab_file = vocab.configure_vocabulary(model_args.vocab_path, model_path)
    if data_args.cache_dir:
        cache_dirs.register_cache_dir(data_args.cache_dir)
    cache_dirs.register_cache_dirs_from_env()
    shots.set_fewshot_seed(training_args.seed)
    return vocab_file


def resolve_names(data_args, training_args) -> None:
    """Checks that the datasets asked for are registered and have the splits used (one line if not)."""
    import mixtures
    from tasks import lookup
    from trainer import data

    if not data_args.dataset_name:
        raise RunError("pass --dataset_name NAME (a registered task or mixture; list them with "
                       "`python -m tasks list`)")
    wanted = [(data_args.dataset_name, "train")] if training_args.do_train else []
    if training_args.do_eval:
        wanted.append((data_args.eval_dataset_name, data_args.eval_split))
    for name, split in wanted:
        provider = lookup.get_provider(name, pending=mixtures.PENDING)
        try:
            data.member_tasks(provider, split)
        except ValueError as err:
            raise RunError(f"{err}; pick another --dataset_name / --eval_split") from None


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
            demo_assets.ensure_demo_assets(verbose=_rank() == 0)
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
    config = AutoConfig.from_pretrained(model_path)
    if model_args.config_overrides:
        try:
            config.update_from_string(model_args.config_overrides)
        except ValueError as err:
            raise RunError(f"--config_overrides {model_args.config_overrides}: {err}") from None
    if len(tokenizer) > config.vocab_size:
        raise RunError(f"the vocabulary has {len(tokenizer)} ids but {model_path} embeds only "
                       f"{config.vocab_size}; pass the --vocab_path the model was trained with")
    return T5ForConditionalGeneration.from_pretrained(model_path, config=config)


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


def _min_over_ranks(value: int) -> int:
    import torch
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return value
    tensor = torch.tensor([value], dtype=torch.int64)
    if dist.get_backend() == "nccl":
        tensor = tensor.cuda()
    dist.all_reduce(tensor, op=dist.ReduceOp.MIN)
    return int(tensor.item())


def build_streams(data_args, training_args):
    """``(train stream or None, eval stream or None)`` of this data-parallel rank."""
    import seqio
    from trainer import inputs

    rank, world = training_args.process_index, training_args.world_size
    shard = seqio.ShardInfo(index=rank, num_shards=world)
    lengths = dict(max_source_length=data_args.max_source_length,
                   max_target_length=data_args.max_target_length)
    train = evaluation = None
    if training_args.do_train:
        epochs = inputs.train_epochs(training_args.max_steps, training_args.num_train_epochs)
        if epochs is not None:
            logger.info("no --max_steps: counting the train examples of each rank's shard (one pass)")
            examples = _min_over_ranks(inputs.count_examples(
                data_args.dataset_name, shard, seed=training_args.seed,
                max_samples=data_args.max_train_samples, **lengths))
            steps = inputs.count_train_steps(
                examples, num_train_epochs=training_args.num_train_epochs,
                batch_size=training_args.per_device_train_batch_size,
                gradient_accumulation_steps=training_args.gradient_accumulation_steps)
            if steps < 1:
                raise RunError(f"{data_args.dataset_name}: {examples} train examples per rank make "
                               f"no full optimizer step; lower the batch size or pass --max_steps")
            training_args.max_steps = steps
            logger.info("%d epochs of %d examples per rank: %d optimizer steps",
                        epochs, examples, steps)
        train = inputs.build_train_stream(
            data_args.dataset_name, shard, batch_size=training_args.per_device_train_batch_size,
            seed=training_args.seed, num_epochs=epochs, max_samples=data_args.max_train_samples,
            **lengths)
    if training_args.do_eval:
        evaluation = inputs.build_eval_stream(
            data_args.eval_dataset_name, data_args.eval_split, shard,
            batch_size=training_args.per_device_eval_batch_size, seed=training_args.seed,
            max_samples=data_args.max_eval_samples, **lengths)
    return train, evaluation


def run(argv: list) -> int:
    """Parses ``argv`` and runs training and/or evaluation; returns the exit status."""
    from trainer.arguments import parse_args

    model_args, data_args, training_args = parse_args(argv)
    setup_logging(training_args)
    if model_args.tensor_parallel_size != 1:
        raise RunError("--tensor_parallel_size > 1 is not wired into run.py yet (tracked issue); "
                       "leave it at 1 (data parallel, optionally with --deepspeed)")
    if not (training_args.do_train or training_args.do_eval):
        raise RunError("nothing to do: pass --do_train and/or --do_eval")
    if training_args.dataloader_num_workers:
        raise RunError("--dataloader_num_workers must be 0: streams are read in the main process "
                       "(tf.data already reads and prefetches in its own threads)")
    if training_args.predict_with_generate:
        logger.warning("--predict_with_generate: generation and metrics are not in run.py yet; "
                       "--do_eval reports the eval loss only")

    model_path = resolve_model_path(model_args, training_args)
    vocab_file = configure_registry(model_path, model_args, data_args, training_args)
    resolve_names(data_args, training_args)
    resume = prepare_output_dir(training_args) if training_args.do_train else None

    tokenizer = build_tokenizer(vocab_file)
    model = load_model(model_path, model_args, tokenizer)
    train_stream, eval_stream = build_streams(data_args, training_args)

    from trainer.hf import StreamTrainer
    trainer = StreamTrainer(
        model=model, args=training_args, train_dataset=train_stream, eval_dataset=eval_stream,
        processing_class=tokenizer, vocab_file=vocab_file,
        stream_meta={"dataset": data_args.dataset_name, "seed": training_args.seed,
                     "num_ranks": training_args.world_size})

    if training_args.do_train:
        result = trainer.train(resume_from_checkpoint=resume)
        trainer.save_model()
        trainer.log_metrics("train", result.metrics)
        trainer.save_metrics("train", result.metrics)
        trainer.save_state()
        logger.info("model saved in %s", training_args.output_dir)
    if training_args.do_eval:
        metrics = trainer.evaluate()
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
    return 0


def _known_errors() -> tuple:
    """Exceptions that are the user's to fix: printed as one line, exit 2."""
    from tasks import cache_dirs, lookup, sources, vocab
    from trainer import arguments, checkpoints
    from trainer.parallel import zero
    return (RunError, arguments.ArgumentError, lookup.UnknownNameError, lookup.TaskModuleError,
            vocab.VocabularyError, sources.MissingDatasetError, cache_dirs.CacheDirError,
            checkpoints.CheckpointError, zero.ZeroConfigError)


def main(argv: list | None = None) -> int:
    """Entry point: ``run(argv)`` with one-line errors (tracebacks with ``--debug``)."""
    argv, debug = _pop_debug(list(sys.argv[1:] if argv is None else argv))
    known = _known_errors()
    try:
        return run(argv)
    except known as err:
        if debug:
            raise
        if _rank() == 0:  # every rank hits the same setup error: say it once
            print(f"error: {err}", file=sys.stderr, flush=True)
        return 2
    except Exception as err:  # noqa: BLE001  (one line; --debug shows the traceback)
        if debug:
            raise
        where = f" (rank {_rank()})" if int(os.environ.get("WORLD_SIZE", "1")) > 1 else ""
        message = str(err).strip().splitlines()[0] if str(err).strip() else ""
        print(f"error{where}: {type(err).__name__}: {message} (rerun with --debug for the "
              f"traceback)", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
