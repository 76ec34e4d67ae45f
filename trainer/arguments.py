"""Command-line arguments of ``run.py``: typed dataclasses parsed by ``HfArgumentParser``.

``parse_args(argv)`` returns ``(ModelArguments, DataTrainingArguments, TrainingArguments)``
after mapping older spellings (a fixed table, one ``FutureWarning`` each) and rejecting
unknown flags with the nearest names. ``TrainingArguments`` is HF's
``Seq2SeqTrainingArguments`` plus the T5, DeepSpeed and CPU-torchrun fixes.
See docs/training.md, "Arguments".
"""

import dataclasses
import difflib
import os
import re
import sys
import warnings
from dataclasses import dataclass, field

from transformers import HfArgumentParser, Seq2SeqTrainingArguments
from transformers.trainer_utils import SchedulerType

from common.errors import UserError


class ArgumentError(UserError, ValueError):
    """A command line ``run.py`` cannot use (one-line message naming the flag and the fix)."""


@dataclass
class ModelArguments:
    """Which model to train and how to build it."""

    model_name_or_path: str | None = field(
        default=None,
        metadata={"help": "Local model folder (config.json + weights); default: the demo model caches/built/demo-model."})
    config_overrides: str | None = field(
        default=None,
        metadata={"help": "Comma-separated config overrides applied to the model config, e.g. "
                          "'dropout_rate=0.0,num_layers=4' (HF PretrainedConfig.update_from_string)."})
    vocab_path: str | None = field(
        default=None,
        metadata={"help": "SentencePiece model for the tasks' vocabulary; default: spiece.model in "
                          "--model_name_or_path, else the demo vocabulary."})
    tensor_parallel_size: int = field(
        default=1, metadata={"help": "Megatron-style tensor-parallel degree (1: data parallel only)."})

    def __post_init__(self):
        if self.tensor_parallel_size < 1:
            raise ArgumentError(f"--tensor_parallel_size must be >= 1, got {self.tensor_parallel_size}")
        if self.config_overrides:
            bad = [item for item in self.config_overrides.split(",") if "=" not in item or not item.split("=")[0]]
            if bad:
                raise ArgumentError(f"--config_overrides {self.config_overrides!r}: {bad[0]!r} is not key=value; "
                                    f"write e.g. 'dropout_rate=0.0,num_layers=4'")


@dataclass
class DataTrainingArguments:
    """Which registered tasks or mixtures feed training and evaluation, and how long examples may be."""

    dataset_name: str | None = field(
        default=None, metadata={"help": "Registered task or mixture to train on, e.g. glue_mix.flan."})
    eval_dataset_name: str | None = field(
        default=None, metadata={"help": "Registered task or mixture to evaluate on; default: --dataset_name."})
    task_modules: str | None = field(
        default=None,
        metadata={"help": "Comma-separated module names or .py paths that register extra tasks/mixtures."})
    cache_dir: str | None = field(
        default=None, metadata={"help": "seqio cache folder with prompt-applied (cached) tasks."})
    tfds_data_dir: str | None = field(
        default=None, metadata={"help": "TFDS data dir; default: $TFDS_DATA_DIR, else the demo data."})
    eval_split: str = field(default="validation", metadata={"help": "Split evaluated by --do_eval."})
    max_source_length: int = field(
        default=512, metadata={"help": "Inputs longer than this many tokens are truncated (EOS kept)."})
    max_target_length: int = field(
        default=128, metadata={"help": "Targets longer than this many tokens are truncated (EOS kept)."})
    max_train_samples: int | None = field(
        default=None, metadata={"help": "Cap on training examples per epoch, over all ranks (debugging)."})
    max_eval_samples: int | None = field(
        default=None, metadata={"help": "Cap on evaluation examples, over all ranks (per task when "
                                        "predicting)."})
    shots: str | None = field(
        default=None,
        metadata={"help": "With --do_eval or --do_predict: predict and score every template of "
                          "--eval_dataset_name in these shot settings (0, 1, 2, 3, 5, 10, multi), e.g. 0,1,multi, and print the "
                          "shot table (--do_predict alone: 0)."})
    templates: str | None = field(
        default=None, metadata={"help": "Only these FLAN template indices in the shot table, e.g. 0,1."})
    packing: bool = field(
        default=False,
        metadata={"help": "Train (and compute eval loss) on packed rows as T5 does: several "
                          "examples per row of --max_source_length / --max_target_length "
                          "tokens, each attending only to itself (seqio's packing; "
                          "docs/training.md, Packing). Batch sizes count rows."})
    fewshot_layout: str = field(
        default="v2",
        metadata={"help": "Few-shot prompt layout: FLAN v2's (newlines) or v1's (0/X/1 token "
                          "markers and a final FLAN token).", "choices": ["v2", "v1"]})
    select_on: str | None = field(
        default=None,
        metadata={"help": "Choose the shot table's best template on this split (predicted and "
                          "scored too) and report it on --eval_split; default: chosen on "
                          "--eval_split itself (optimistic)."})
    eval_method: str = field(
        default="auto",
        metadata={"help": "How predictions are made: rank the answer options of tasks that have them "
                          "and generate otherwise (auto), or always generate / rank.",
                  "choices": ["auto", "generate", "rank"]})

    def __post_init__(self):
        for name in ("max_source_length", "max_target_length"):
            if getattr(self, name) < 1:
                raise ArgumentError(f"--{name} must be a positive number of tokens, got {getattr(self, name)}")
        for name in ("max_train_samples", "max_eval_samples"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ArgumentError(f"--{name} must be positive (or left out), got {value}")
        if self.eval_dataset_name is None:
            self.eval_dataset_name = self.dataset_name
        if self.shots is not None and not re.fullmatch(r"\s*[\w-]+\s*(,\s*[\w-]+\s*)*", self.shots):
            raise ArgumentError(f"--shots {self.shots!r}: write a comma-separated list such as 0,1,multi")
        if self.templates is not None and not re.fullmatch(r"\s*\d+\s*(,\s*\d+\s*)*", self.templates):
            raise ArgumentError(f"--templates {self.templates!r}: write template indices such as 0,1,2")

    def task_module_list(self) -> list:
        """``--task_modules`` as a list of module names / paths (empty when not given)."""
        return [item.strip() for item in (self.task_modules or "").split(",") if item.strip()]


@dataclass
class TrainingArguments(Seq2SeqTrainingArguments):
    """HF's Seq2SeqTrainingArguments with the project's T5 and DeepSpeed fixes (see the module docstring)."""

    overwrite_output_dir: bool = field(
        default=False,
        metadata={"help": "Start afresh even if --output_dir holds checkpoints (default: resume from the last "
                          "one). Removed from transformers 5, kept here for run.py."})
    average_tokens_across_devices: bool = field(
        default=False,
        metadata={"help": "Leave False for T5: its loss is a mean over tokens already, and transformers "
                          "multiplies it by the world size when this is True."})
    save_on_preemption: bool = field(
        default=True,
        metadata={"help": "On SIGTERM (a cluster's pre-emption; torchrun forwards it to every rank) save a "
                          "checkpoint at the end of the current step on every rank, then exit with status "
                          "143; the same command resumes from it. false: SIGTERM ends the run at once."})

    def __post_init__(self):
        distributed = int(os.environ.get("LOCAL_RANK", "-1")) != -1
        if self.deepspeed:
            # Fix the config before HF reads it (HF parses it inside its own __post_init__).
            from trainer.parallel import zero
            try:
                on_cpu = zero.accelerator_is_cpu()
                self.deepspeed = zero.build_deepspeed_config(
                    self.deepspeed, max_grad_norm=self.max_grad_norm,
                    per_device_train_batch_size=self.per_device_train_batch_size,
                    gradient_accumulation_steps=self.gradient_accumulation_steps, on_cpu=on_cpu)
                if on_cpu and distributed and self.accelerator_config is None:
                    # accelerate would report one process for DeepSpeed without a GPU.
                    zero.init_cpu_deepspeed_state(self.ddp_backend or "gloo", self.ddp_timeout)
                    self.accelerator_config = {"use_configured_state": True}
                    self.dataloader_pin_memory = False
            except zero.ZeroConfigError as err:
                raise ArgumentError(f"--deepspeed: {err}") from None
        elif distributed and not self.use_cpu and not _has_accelerator():
            # Without --use_cpu, HF runs each torchrun process as its own single-process job
            # on a machine with no accelerator (only a warning says so): data-parallel on CPU.
            self.use_cpu = True
        super().__post_init__()


def _has_accelerator() -> bool:
    """Whether torch sees a GPU (or another accelerator) on this machine."""
    import torch
    return torch.accelerator.is_available()


# Spellings older transformers (or older scripts) accepted -> today's flag. A fixed table:
# a near miss that is not listed here is an error with suggestions, never a silent guess.
LEGACY_FLAGS = {
    "evaluation_strategy": "eval_strategy",
    "per_gpu_train_batch_size": "per_device_train_batch_size",
    "per_gpu_eval_batch_size": "per_device_eval_batch_size",
    "gradient_checkpointing": "activation_checkpointing",
    "gradient_checkpointing_kwargs": "activation_checkpointing_kwargs",
    "no_cuda": "use_cpu",
}
SCHEDULERS = tuple(s.value for s in SchedulerType)


class _Parser(HfArgumentParser):
    """HfArgumentParser whose errors are one-line ``ArgumentError``s instead of usage + exit."""

    def error(self, message):
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if match:
            choices = re.findall(r"'([^']*)'", match.group(2))
            close = difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
        raise ArgumentError(message)


def build_parser() -> HfArgumentParser:
    """The parser for the three argument dataclasses (abbreviated flags are not accepted)."""
    return _Parser((ModelArguments, DataTrainingArguments, TrainingArguments), allow_abbrev=False)


def _split_flag(token: str):
    """``'--name=value'`` -> ``('name', 'value')``; ``'--name'`` -> ``('name', None)``."""
    name, sep, value = token[2:].partition("=")
    return name, (value if sep else None)


def _lr_target(value: str) -> str:
    """Which flag a legacy ``--lr VALUE`` means: a scheduler name or a learning rate."""
    if value in SCHEDULERS:
        return "lr_scheduler_type"
    try:
        float(value)
    except ValueError:
        raise ArgumentError(f"--lr {value}: expected a scheduler ({', '.join(SCHEDULERS[:4])}, ...) for "
                            f"--lr_scheduler_type or a number for --learning_rate") from None
    return "learning_rate"


def normalize_legacy_flags(argv: list) -> tuple:
    """Rewrite legacy spellings to current flags; returns ``(new_argv, {old: new})`` (see LEGACY_FLAGS)."""
    out, mapped = [], {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if not token.startswith("--"):
            out.append(token)
            i += 1
            continue
        name, value = _split_flag(token)
        canonical = name.replace("-", "_")
        if canonical == "lr":
            if value is None:
                if i + 1 >= len(argv):
                    raise ArgumentError("--lr needs a value: a scheduler name or a learning rate")
                value = argv[i + 1]
                i += 1
            target = _lr_target(value)
            mapped[f"--lr {value}"] = f"--{target} {value}"
            out.extend([f"--{target}", value])
        elif canonical in LEGACY_FLAGS:
            target = LEGACY_FLAGS[canonical]
            mapped[f"--{name}"] = f"--{target}"
            out.append(f"--{target}" + (f"={value}" if value is not None else ""))
        else:
            out.append(token)
        i += 1
    return out, mapped


def nearest(word: str, names: list, n: int = 3) -> list:
    """Up to ``n`` names close to ``word`` (difflib), then names that start with it (a cut-short flag)."""
    close = difflib.get_close_matches(word, names, n=n, cutoff=0.6)
    starts = sorted((name for name in names if name.startswith(word) and name not in close), key=len)
    return (close + starts)[:n]


def _check_flags(parser: HfArgumentParser, argv: list) -> None:
    """One-line error for flags the parser does not know, naming the nearest valid ones."""
    known = set(parser._option_string_actions)
    # Suggest the canonical underscore spellings only (each field also has a dashed alias).
    canonical = sorted(flag[2:] for flag in known if flag.startswith("--") and "-" not in flag[2:])
    problems = []
    for token in argv:
        if not token.startswith("-") or token == "-" or _is_number(token):
            continue
        flag = token.split("=", 1)[0]
        if flag in known:
            continue
        close = nearest(flag.lstrip("-").replace("-", "_"), canonical)
        hint = f"did you mean {', '.join('--' + name for name in close)}?" if close else "no similar flag; see --help"
        problems.append(f"{flag} ({hint})")
    if problems:
        noun = "flag" if len(problems) == 1 else "flags"
        raise ArgumentError(f"unknown {noun} {'; '.join(problems)}")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _warn_legacy(mapped: dict) -> None:
    """One FutureWarning per legacy spelling, from the first rank only (not once per process)."""
    if int(os.environ.get("RANK", "0")) != 0:
        return
    for old, new in mapped.items():
        warnings.warn(f"{old} is a deprecated spelling, read as {new}; write {new} instead",
                      FutureWarning, stacklevel=3)


def parse_args(argv: list | None = None) -> tuple:
    """Parse ``run.py``'s command line into ``(ModelArguments, DataTrainingArguments, TrainingArguments)``.

    ``argv`` defaults to ``sys.argv[1:]``. Legacy spellings are mapped with a warning,
    unknown flags and bad values raise a one-line ``ArgumentError``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    argv, mapped = normalize_legacy_flags(argv)
    _check_flags(parser, argv)
    namespace, remaining = parser.parse_known_args(argv)
    if remaining:
        raise ArgumentError(f"unexpected argument {remaining[0]!r} (values follow their flag, e.g. --output_dir out)")
    _warn_legacy(mapped)
    values = vars(namespace)
    outputs = []
    for dtype in parser.dataclass_types:
        keys = {f.name for f in dataclasses.fields(dtype) if f.init}
        outputs.append(dtype(**{k: v for k, v in values.items() if k in keys}))
    return tuple(outputs)
