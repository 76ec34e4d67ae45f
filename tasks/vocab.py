"""Vocabulary resolution: which SentencePiece model the tasks tokenise with.

One rule, used everywhere: ``--vocab_path``, else ``spiece.model`` inside
``--model_name_or_path``, else the demo vocabulary. Tasks share one
:class:`ConfiguredVocabulary`, resolved when first used; ``configure_vocabulary`` sets
the rule's inputs. No path here is ever remote.

See README.md, "Vocabulary" and docs/tasks.md, "The vocabulary"."""

from __future__ import annotations

import os
from typing import Optional

from common.errors import UserError
from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import paths

import seqio

# seqio appends these sentinel ids (<extra_id_0> ... <extra_id_99>) as T5 does.
EXTRA_IDS = 100

_settings = {"vocab_path": None, "model_name_or_path": None}


class VocabularyError(UserError, ValueError):
    """A vocabulary path that does not exist or is not a SentencePiece model."""


def resolve_vocab_path(vocab_path: Optional[str] = None,
                       model_name_or_path: Optional[str] = None) -> str:
    """Returns the SentencePiece model file chosen by the rule in the module docstring.

    Raises VocabularyError (one line: the path and what to do) when the chosen file
    does not exist.
    """
    if vocab_path:
        path = vocab_path
        if os.path.isdir(path):
            path = os.path.join(path, "spiece.model")
        if not os.path.isfile(path):
            raise VocabularyError(
                f"--vocab_path {vocab_path}: no SentencePiece model there; pass the path "
                "of a .model file (or a folder holding spiece.model).")
        return path
    if model_name_or_path:
        candidate = os.path.join(model_name_or_path, "spiece.model")
        if os.path.isfile(candidate):
            return candidate
        if os.path.isdir(model_name_or_path):
            raise VocabularyError(
                f"{model_name_or_path} holds no spiece.model; pass --vocab_path "
                "/path/to/spiece.model.")
    if not paths.DEMO_VOCAB_PATH.is_file():
        raise VocabularyError(
            f"demo vocabulary {paths.DEMO_VOCAB_PATH} is missing; build it with "
            "`make demo-assets` (or pass --vocab_path).")
    return str(paths.DEMO_VOCAB_PATH)


def configure_vocabulary(vocab_path: Optional[str] = None,
                         model_name_or_path: Optional[str] = None) -> str:
    """Sets the inputs of the resolution rule for every registered task.

    Returns the resolved file (raising VocabularyError early if it is missing or is not
    a SentencePiece model).
    """
    _settings["vocab_path"] = vocab_path
    _settings["model_name_or_path"] = model_name_or_path
    path = resolve_vocab_path(vocab_path, model_name_or_path)
    check_sentencepiece_model(path)
    DEFAULT_VOCABULARY.reset()
    return path


def check_sentencepiece_model(path: str) -> None:
    """Raises VocabularyError (one line) unless ``path`` loads as a SentencePiece model.

    Checked when the vocabulary is configured, so a wrong file fails at start-up with
    its path, not later inside a tokenizer or a tf.data pipeline.
    """
    import sentencepiece as spm
    try:
        spm.SentencePieceProcessor(model_file=str(path))
    except Exception as e:  # sentencepiece raises RuntimeError/OSError on junk
        reason = " ".join(str(e).split()) or type(e).__name__
        raise VocabularyError(
            f"{path} is not a SentencePiece model ({reason}); pass --vocab_path pointing "
            "at a valid spiece.model (the one the model was trained with).") from None


class ConfiguredVocabulary(seqio.SentencePieceVocabulary):
    """A SentencePieceVocabulary whose model file is resolved on first use."""

    def __init__(self, extra_ids: int = EXTRA_IDS):
        super().__init__(sentencepiece_model_file=None, extra_ids=extra_ids)

    def reset(self) -> None:
        """Forgets the loaded model so the next use resolves the file again."""
        self._sentencepiece_model_file = None
        self._sp_model = None
        self._tokenizer = None

    def _load_model(self):
        if self._sentencepiece_model_file is None:
            self._sentencepiece_model_file = resolve_vocab_path(**_settings)
        try:
            super()._load_model()
        except Exception as e:  # sentencepiece raises RuntimeError/DecodeError on junk
            raise VocabularyError(
                f"{self._sentencepiece_model_file} is not a SentencePiece model ({e}); "
                "pass --vocab_path pointing at a valid spiece.model.") from None

    @property
    def sentencepiece_model_file(self):
        if self._sentencepiece_model_file is None:
            self._sentencepiece_model_file = resolve_vocab_path(**_settings)
        return self._sentencepiece_model_file


# The one vocabulary every project task uses.
DEFAULT_VOCABULARY = ConfiguredVocabulary()


def get_output_features(vocabulary: seqio.Vocabulary = DEFAULT_VOCABULARY) -> dict:
    """T5's two text features, both closed with EOS."""
    return {
        "inputs": seqio.Feature(vocabulary=vocabulary, add_eos=True, required=False),
        "targets": seqio.Feature(vocabulary=vocabulary, add_eos=True),
    }
