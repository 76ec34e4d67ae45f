"""HF trainer glue: a ``Seq2SeqTrainer`` fed by ``Seq2SeqStream``s, with exact resume.

``StreamTrainer`` reads each rank's own stream through ``stream_loader``, fixes T5's loss
scaling, saves and restores the streams' positions in atomic checkpoints, stops with a
checkpoint on SIGTERM, and evaluates the per-token eval loss in lock step.
This module may import seqio by name only, torch and transformers (``trainer/`` layer).
See docs/training.md, "The trainer" and "Checkpoints".
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import threading
from typing import Mapping, Optional

import torch
from transformers import Seq2SeqTrainer, TrainerCallback
from transformers.trainer_callback import ExportableState
from transformers.trainer_utils import (PREFIX_CHECKPOINT_DIR, EvalLoopOutput, SaveStrategy,
                                        rotate_checkpoints)

from trainer import checkpoints, packing
from trainer.parallel import ranks
from trainer.stream import LABEL_PAD, Seq2SeqStream

logger = logging.getLogger(__name__)

VOCAB_FILE = "spiece.model"


def stream_loader(stream: Seq2SeqStream, pin_memory: bool = False) -> torch.utils.data.DataLoader:
    """``DataLoader(stream, batch_size=None)``: batches as the stream makes them, in the main process.

    Its own generator keeps ``iter()`` from drawing on the global torch RNG.
    """
    return torch.utils.data.DataLoader(stream, batch_size=None, num_workers=0,
                                       pin_memory=pin_memory and torch.cuda.is_available(),
                                       generator=torch.Generator())


@contextlib.contextmanager
def _signal_handler(signum: int, handler):
    """``handler`` for ``signum`` inside the block, the previous one after (main thread only)."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signum, handler)
    try:
        yield
    finally:
        signal.signal(signum, previous)


class _StepFractionCallback(TrainerCallback):
    """``state.epoch`` as global step / max steps, the value an uninterrupted run logs.

    HF computes it from the step within its current epoch, which restarts on resume.
    """

    def on_step_end(self, args, state, control, **kwargs):
        if state.max_steps > 0:
            state.epoch = state.global_step / state.max_steps
        return control


class _PreemptionCallback(TrainerCallback):
    """A SIGTERM becomes a checkpoint at the end of the current step, on every rank at once.

    The signal handler only sets a flag: it runs wherever the main thread happens to be,
    mid-step or mid-collective. Each step end takes the MAX of the flags over the ranks,
    so a signal any rank has seen (torchrun forwards it to each at slightly different
    times) stops all of them after the same step. A second SIGTERM changes nothing (a
    scheduler may signal the whole job and torchrun forward it again).
    """

    def __init__(self):
        self.requested = False
        self.stopped_at: Optional[int] = None

    def handle(self, signum, frame):  # noqa: ARG002  (signal handler signature)
        self.requested = True

    def on_step_end(self, args, state, control, **kwargs):
        # At the last step training ends anyway: the run completes instead of stopping.
        if ranks.any_rank(self.requested, args.device) and state.global_step < state.max_steps:
            logger.warning("SIGTERM: saving checkpoint-%d, then stopping", state.global_step)
            control.should_save = True
            control.should_training_stop = True
            self.stopped_at = state.global_step
        return control


class StreamTrainer(Seq2SeqTrainer):
    """``Seq2SeqTrainer`` over this rank's train/eval ``Seq2SeqStream`` (see the module docstring).

    Args (beyond ``Seq2SeqTrainer``'s):
      vocab_file: the SentencePiece model of the run's vocabulary; saved as
        ``spiece.model`` with every model folder (None: not copied).
      stream_meta: what the train stream reads (``dataset``, ``seed``, ``num_ranks``,
        ``packing``), recorded with its state and checked on resume.
    """

    def __init__(self, *args, vocab_file: Optional[str] = None,
                 stream_meta: Optional[Mapping] = None, **kwargs):
        super().__init__(*args, **kwargs)
        # T5 returns a mean loss: transformers 5 must divide by gradient accumulation itself.
        self.model_accepts_loss_kwargs = False
        # The stream resumes at its saved position; HF's skipping would read batches again.
        self.args.ignore_data_skip = True
        if self.args.dataloader_num_workers:
            raise ValueError("--dataloader_num_workers must be 0: streams are read in the main "
                             "process (tf.data already reads and prefetches in threads)")
        self.vocab_file = vocab_file
        self.stream_meta = dict(stream_meta or {})
        self._train_batches = 0  # batches the training loop has taken from the train stream
        self._last_checkpoint: Optional[str] = None
        self.add_callback(_StepFractionCallback())
        # Plain HF arguments have no such flag: no signal handling then.
        self._preemption = (_PreemptionCallback() if getattr(self.args, "save_on_preemption", False)
                            else None)
        if self._preemption is not None:
            self.add_callback(self._preemption)

    # -- data ------------------------------------------------------------------------

    def get_train_dataloader(self) -> torch.utils.data.DataLoader:
        """The train stream as a plain DataLoader (not prepared by accelerate)."""
        if self.train_dataset is None:
            raise ValueError("training needs a train stream")
        return stream_loader(self.train_dataset, self.args.dataloader_pin_memory)

    def get_eval_dataloader(self, eval_dataset=None) -> torch.utils.data.DataLoader:
        """The eval stream as a plain DataLoader; a new pass (from the start) per evaluation."""
        stream = eval_dataset if eval_dataset is not None else self.eval_dataset
        if stream is None:
            raise ValueError("evaluation needs an eval stream")
        return stream_loader(stream, self.args.dataloader_pin_memory)

    def get_batch_samples(self, epoch_iterator, num_batches, device):
        """HF's, counting the batches taken: the checkpoint saves the stream after that many."""
        batches, num_items = super().get_batch_samples(epoch_iterator, num_batches, device)
        self._train_batches += len(batches)
        return batches, num_items

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """HF's, and for a batch of packed rows ``trainer.packing.packed_forward``: each
        example attends to itself only; the loss is the mean over target tokens."""
        if not packing.is_packed(inputs):
            return super().compute_loss(model, inputs, return_outputs=return_outputs,
                                        num_items_in_batch=num_items_in_batch)
        outputs = packing.packed_forward(model, inputs)
        return (outputs.loss, outputs) if return_outputs else outputs.loss

    # -- checkpoints -----------------------------------------------------------------

    def _save_checkpoint(self, model, trial):
        """HF's checkpoint and the stream states, written in ``tmp-checkpoint-<step>``, renamed.

        HF's own ``_save_checkpoint`` writes straight into ``checkpoint-<step>``. Here the
        saving process clears the way (``checkpoints.prepare_staging``), every rank writes
        its stream state and its share of HF's files into the staging folder, and once all
        are done (a barrier) the saving process renames it; HF's ``save_total_limit``
        rotation then sees published checkpoints only.
        """
        if self.hp_search_backend is None and trial is None:
            self.store_flos()
        run_dir = self._get_output_dir(trial=trial)
        final = self._checkpoint_dir(trial, self.state.global_step)
        staging = checkpoints.staging_path(final)
        if self.args.should_save:
            checkpoints.prepare_staging(final)
        ranks.barrier()
        if self.train_dataset is not None:
            state = self.train_dataset.state_dict(batches=self._train_batches)
            checkpoints.write_stream_state(staging, self.args.process_index, state,
                                           self.stream_meta)
        self._write_hf_checkpoint(staging, run_dir)
        ranks.barrier()  # every rank's files are in the staging folder
        if self.args.should_save:
            checkpoints.publish_checkpoint(staging, final)
        ranks.barrier()
        self._last_checkpoint = final
        if self.args.push_to_hub:
            self._push_from_checkpoint(final)
        if self.args.should_save:
            rotate_checkpoints(output_dir=run_dir, save_total_limit=self.args.save_total_limit,
                               best_model_checkpoint=self.state.best_model_checkpoint,
                               use_mtime=True)

    def _maybe_log_save_evaluate(self, tr_loss, grad_norm, model, trial, *args, **kwargs):
        """HF's; a pre-emption's checkpoint is saved even where ``--save_strategy best`` said no."""
        super()._maybe_log_save_evaluate(tr_loss, grad_norm, model, trial, *args, **kwargs)
        step = self.state.global_step
        if (self._preemption is not None and self._preemption.stopped_at == step
                and self._last_checkpoint != self._checkpoint_dir(trial, step)):
            self._save_checkpoint(model, trial)
            self.control = self.callback_handler.on_save(self.args, self.state, self.control)

    def _checkpoint_dir(self, trial, step: int) -> str:
        return os.path.join(self._get_output_dir(trial=trial), f"{PREFIX_CHECKPOINT_DIR}-{step}")

    def _write_hf_checkpoint(self, folder: str, run_dir: str) -> None:
        """HF's checkpoint files into ``folder``, as transformers 5's ``_save_checkpoint`` writes
        them (weights, optimizer, scheduler, scaler, RNG, ``trainer_state.json`` last)."""
        self.save_model(folder, _internal_call=True)
        best = self.state.best_global_step
        if best and self.args.save_strategy in (SaveStrategy.STEPS, SaveStrategy.EPOCH,
                                                SaveStrategy.BEST):
            # The published name: this very checkpoint is renamed to it once complete.
            best_dir = os.path.join(run_dir, f"{PREFIX_CHECKPOINT_DIR}-{best}")
            if best == self.state.global_step or os.path.exists(best_dir):
                self.state.best_model_checkpoint = best_dir
        if not self.args.save_only_model:
            self._save_optimizer_and_scheduler(folder)
            self._save_scaler(folder)
            self._save_rng_state(folder)
        if self.args.should_save:
            for callback in self.callback_handler.callbacks + [self.control]:
                if isinstance(callback, ExportableState):
                    name, callback_state = type(callback).__name__, callback.state()
                    if isinstance(self.state.stateful_callbacks[name], list):
                        self.state.stateful_callbacks[name].append(callback_state)
                    else:
                        self.state.stateful_callbacks[name] = callback_state
            self.state.save_to_json(os.path.join(folder, checkpoints.TRAINER_STATE))

    def save_model(self, output_dir: Optional[str] = None, _internal_call: bool = False):
        """HF's ``save_model`` (weights, config, tokenizer), plus the vocabulary as ``spiece.model``."""
        super().save_model(output_dir, _internal_call=_internal_call)
        if self.args.should_save:
            self._copy_vocab(output_dir or self.args.output_dir)

    def _copy_vocab(self, output_dir: str) -> None:
        """The run's SentencePiece file as ``output_dir/spiece.model`` (the saving process)."""
        if self.vocab_file:
            target = os.path.join(output_dir, VOCAB_FILE)
            if not (os.path.exists(target) and os.path.samefile(self.vocab_file, target)):
                shutil.copyfile(self.vocab_file, target)

    def train(self, resume_from_checkpoint: Optional[str] = None, trial=None,
              ignore_keys_for_eval=None, **kwargs):
        """HF's ``train``; from a checkpoint, the train stream first continues where it was saved.

        Raises ``checkpoints.Preempted`` when a SIGTERM stopped it after a checkpoint.
        """
        stream = self.train_dataset
        if resume_from_checkpoint:
            step = checkpoints.checkpoint_step(resume_from_checkpoint)
            if step >= self.args.max_steps:
                # HF would still take one step (a stream has no epoch end to stop at).
                raise checkpoints.CheckpointError(
                    f"{resume_from_checkpoint} is already at step {step} of --max_steps "
                    f"{self.args.max_steps}; raise --max_steps to train on, or pass "
                    f"--overwrite_output_dir true to start afresh")
            state = checkpoints.read_stream_state(resume_from_checkpoint, self.args.process_index,
                                                  self.stream_meta)
            stream.load_state_dict(state)
            logger.info("resuming %s from %s at example %d of pass %d", stream.name,
                        resume_from_checkpoint, state["position"], state["passes"] + 1)
        self._train_batches = stream.counters.batches
        preemption = self._preemption
        if preemption is not None:
            preemption.requested, preemption.stopped_at = False, None
        with _signal_handler(signal.SIGTERM, preemption.handle if preemption else None):
            output = super().train(resume_from_checkpoint=resume_from_checkpoint or None,
                                   trial=trial, ignore_keys_for_eval=ignore_keys_for_eval,
                                   **kwargs)
        if preemption is not None and preemption.stopped_at is not None:
            raise checkpoints.Preempted(preemption.stopped_at, self.state.max_steps,
                                        self._last_checkpoint)
        return output

    # -- evaluation ------------------------------------------------------------------

    def _eval_model(self):
        """The model to evaluate, prepared as HF's ``evaluation_loop`` does (DeepSpeed included)."""
        if self.is_deepspeed_enabled and self.deepspeed is None:
            from transformers.integrations.deepspeed import deepspeed_init
            deepspeed_init(self, num_training_steps=0, inference=True)
        model = self._wrap_model(self.model, training=False)
        if len(self.accelerator._models) == 0 and model is self.model:  # noqa: SLF001
            model = (self.accelerator.prepare(model) if self.is_deepspeed_enabled
                     else self.accelerator.prepare_model(model, evaluation_mode=True))
            if model is not self.model:
                self.model_wrapped = model
            if self.is_deepspeed_enabled:
                self.deepspeed = self.model_wrapped
        return model

    def _dummy_batch(self) -> dict:
        """One EOS in, one EOS out: what a rank with no eval batch left runs (not counted)."""
        eos = int(getattr(self.model.config, "eos_token_id", None) or 1)
        ids = torch.tensor([[eos]], dtype=torch.long)
        return {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids.clone()}

    def evaluation_loop(self, dataloader, description, prediction_loss_only=None,
                        ignore_keys=None, metric_key_prefix: str = "eval") -> EvalLoopOutput:
        """Per-token loss over the whole eval stream, all ranks (see the module docstring)."""
        model = self._eval_model()
        model.eval()
        device = self.args.device
        distributed = ranks.is_distributed()
        # nll sum, target tokens, examples; float64 so large eval sets sum exactly enough.
        totals = torch.zeros(3, dtype=torch.float64, device=device)
        iterator = iter(dataloader)
        while True:
            batch = next(iterator, None)
            if distributed:
                # Lock step: stop only when no rank has a batch left.
                if not ranks.any_rank(batch is not None, device):
                    break
            elif batch is None:
                break
            counted = batch is not None
            inputs = self._prepare_inputs(batch if counted else self._dummy_batch())
            with torch.no_grad(), self.compute_loss_context_manager():
                loss = self.compute_loss(model, inputs)
            if counted:
                tokens = (inputs["labels"] != LABEL_PAD).sum()
                totals += torch.stack([loss.detach().double() * tokens, tokens.double(),
                                       torch.tensor(float(packing.count_examples(inputs)),
                                                    dtype=torch.float64, device=device)])
            self.control = self.callback_handler.on_prediction_step(self.args, self.state,
                                                                    self.control)
        ranks.sum_over_ranks(totals)
        nll, tokens, examples = (float(x) for x in totals.cpu())
        metrics = {f"{metric_key_prefix}_loss": nll / tokens if tokens else float("nan"),
                   f"{metric_key_prefix}_tokens": int(tokens),
                   f"{metric_key_prefix}_samples": int(examples)}
        return EvalLoopOutput(predictions=None, label_ids=None, metrics=metrics,
                              num_samples=int(examples))
