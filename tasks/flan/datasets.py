"""FLAN-style task configs: which TFDS source feeds each dataset and how its examples
become the string fields its templates use (``tasks/flan/templates.py``).

Each formatter is a small pure function on one tf.data example; the option words are
data in ``PromptDataset.options`` (label i -> ``options[i]``).
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.flan import (datasets_closedbook, datasets_commonsense, datasets_coref,
                        datasets_nli, datasets_summarization, datasets_textgen,
                        datasets_translation)
from tasks.flan.config import GLUE, SGLUE, PromptDataset, every_template, with_label
from tasks.names import PARAPHRASE_MIX, SENTIMENT_MIX, SQUAD_MIX
from tasks.prompts import SCORING, label_to_answer
from tasks.tfds_versions import tfds_name

import tensorflow as tf
from t5.data import postprocessors as t5_postprocessors


def format_copa(ex):
    """Per-example options are the two alternatives; the answer is the right one.

    ``{"premise": "P", "question": "cause", "choice1": "A", "choice2": "B", "label": 1}``
    -> ``{..., "connector": "because", "options": ["A", "B"], "answer": "B"}``.
    """
    choices = tf.stack([ex["choice1"], ex["choice2"]])
    label = tf.cast(ex["label"], tf.int32)
    return {
        "premise": ex["premise"], "question": ex["question"],
        "connector": tf.where(ex["question"] == "cause", "because", "so"),
        "choice1": ex["choice1"], "choice2": ex["choice2"], "options": choices,
        "answer": tf.where(label >= 0, tf.gather(choices, tf.maximum(label, 0)), ""),
    }


def format_record(ex):
    """Blank in the query, entities as options, the first gold answer as the answer (the
    one trained on); every gold answer and the query's ids go along for scoring.

    ``{"query": "@placeholder won.", "entities": ["Ann", "Bo"], "answers": ["Bo"]}`` ->
    ``{"query": "_ won.", "options": ["Ann", "Bo"], "answer": "Bo", "scoring":
    {"answers": ["Bo"], "idx/passage": 0, "idx/query": 0}}``.
    """
    answers = ex["answers"]
    return {
        "passage": tf.strings.regex_replace(ex["passage"], r"@highlight\n", "- "),
        "query": tf.strings.regex_replace(ex["query"], "@placeholder", "_"),
        "options": ex["entities"],
        "answer": tf.cond(tf.size(answers) > 0, lambda: answers[0], lambda: tf.constant("")),
        SCORING: {"answers": answers, "idx/passage": ex["idx"]["passage"],
                  "idx/query": ex["idx"]["query"]},
    }


def format_multirc(ex):
    """TFDS's ``answer`` (a candidate) becomes ``response``; ``answer`` is no/yes; the
    question's id goes along for per-question exact match."""
    return {"paragraph": ex["paragraph"], "question": ex["question"],
            "response": ex["answer"], "answer": label_to_answer(ex["label"], ("no", "yes")),
            SCORING: {"idx/question": ex["idx"]["question"]}}


# T5's ReCoRD postprocessor: a prediction's text, or a target's gold answers and query.
record_postprocess = t5_postprocessors.record


def multirc_postprocess(answer, example=None, is_target=False):
    """T5's MultiRC values from FLAN's no/yes answers: ``{"value": 1}`` for "yes" (0 for
    "no", -1 for anything else), a target with its question (``group``) for exact match
    per question."""
    text = answer.strip() if isinstance(answer, str) else answer
    out = {"value": NO_YES.index(text) if text in NO_YES else -1}
    if is_target:
        out["group"] = int(example["idx/question"])
    return out


def format_stsb(ex):
    """The 0-5 similarity rounded to the nearest integer option: 3.4 -> "3"."""
    score = tf.cast(tf.round(ex["label"]), tf.int32)
    return {"sentence1": ex["sentence1"], "sentence2": ex["sentence2"],
            "answer": tf.where(ex["label"] >= 0, tf.strings.as_string(score), "")}


# Upstream review text carries markup or CSV escapes that are not part of the review.
_IMDB_MARKUP = ((r"<br\s*/?>", " "), (r" {2,}", " "))
_YELP_ESCAPES = ((r"\\n", " "), (r'""', '"'))


def _review(options: Sequence[str], rules: Sequence[Tuple[str, str]] = (),
            label: Callable = lambda ex: ex["label"]) -> Callable:
    """``text`` with ``rules`` (regex, replacement) applied, ``answer = options[label]``.

    With ``_IMDB_MARKUP``: ``{"text": "Fun.<br /><br />Go!", "label": 1}`` ->
    ``{"text": "Fun. Go!", "answer": "positive"}``.
    """
    def fmt(ex):
        text = ex["text"]
        for pattern, replacement in rules:
            text = tf.strings.regex_replace(text, pattern, replacement)
        return {"text": tf.strings.strip(text),
                "answer": label_to_answer(label(ex), options)}
    return fmt


def sentiment140_label(ex):
    """Polarity 0 (negative) or 4 (positive) as a class index: ``4 -> 1``."""
    return tf.math.floordiv(tf.cast(ex["polarity"], tf.int32), 4)


@tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite per pipeline
def is_polar(ex):
    """Sentiment140's test file also has neutral tweets (polarity 2): drop them."""
    return tf.not_equal(ex["polarity"], 2)


UNANSWERABLE = "unanswerable"


def _squad(unanswerable: Optional[str] = None) -> Callable:
    """Title, context and question as they are; the first gold answer as ``answer``.

    ``{"title": "Ashby", "context": "Ashby lies on the Esker.", "question": "Which
    river?", "answers": {"text": ["Esker", "the Esker"], ...}}`` -> ``{"title":
    "Ashby", "context": ..., "question": ..., "answer": "Esker"}``. A question with no
    answer (SQuAD 2.0's ``is_impossible``) gets ``unanswerable`` instead.
    """
    def fmt(ex):
        answers = ex["answers"]["text"]
        fallback = tf.constant(unanswerable or "")
        return {"title": ex["title"], "context": ex["context"],
                "question": tf.strings.strip(ex["question"]),
                "answer": tf.cond(tf.size(answers) > 0, lambda: answers[0],
                                  lambda: fallback)}
    return fmt


def _sg(config: str) -> str:
    return tfds_name("super_glue", config)


def _glue(config: str) -> str:
    return tfds_name("glue", config)


YES_NO = ("yes", "no")
NO_YES = ("no", "yes")
CB_OPTIONS = ("Yes", "No", "It's impossible to say")
MNLI_OPTIONS = ("yes", "it is not possible to tell", "no")
STSB_OPTIONS = tuple(str(i) for i in range(6))
SENTIMENT = ("negative", "positive")
SQUAD_FIELDS = ("title", "context", "question")
# The sentiment sets have train and test splits only: their test split serves as the
# validation split, the one evaluation reads.
_TRAIN_TEST = {"train": "train", "validation": "test"}

CORE_DATASETS: Tuple[PromptDataset, ...] = (
    # SuperGLUE
    PromptDataset("bool_q", _sg("boolq"), ("passage", "question"),
                  with_label(NO_YES, "passage", "question"), NO_YES, mixtures=SGLUE),
    PromptDataset("cb", _sg("cb"), ("premise", "hypothesis"),
                  with_label(CB_OPTIONS, "premise", "hypothesis"), CB_OPTIONS,
                  (metrics.accuracy, metrics.macro_f1(CB_OPTIONS)), mixtures=SGLUE),
    PromptDataset("copa", _sg("copa"),
                  ("premise", "question", "connector", "choice1", "choice2", "options"),
                  format_copa, mixtures=SGLUE),
    PromptDataset("multirc", _sg("multirc"), ("paragraph", "question", "response"),
                  format_multirc, NO_YES, (metrics.multirc,), mixtures=SGLUE,
                  postprocess_fn=multirc_postprocess),
    PromptDataset("record", _sg("record"), ("passage", "query", "options"),
                  format_record, metric_fns=(metrics.record,), mixtures=SGLUE,
                  postprocess_fn=record_postprocess),
    PromptDataset("rte", _sg("rte"), ("premise", "hypothesis"),
                  with_label(YES_NO, "premise", "hypothesis"), YES_NO, mixtures=SGLUE + GLUE),
    PromptDataset("wic", _sg("wic"), ("word", "sentence1", "sentence2"),
                  with_label(("different meanings", "the same meaning"),
                              "word", "sentence1", "sentence2"),
                  ("different meanings", "the same meaning"), mixtures=SGLUE),
    PromptDataset("wsc", _sg("wsc.fixed"), ("text", "span1_text", "span2_text"),
                  with_label(NO_YES, "text", "span1_text", "span2_text"), NO_YES,
                  mixtures=SGLUE),
    # GLUE (RTE is the SuperGLUE one above, shared by both families)
    PromptDataset("cola", _glue("cola"), ("sentence",),
                  with_label(("unacceptable", "acceptable"), "sentence"),
                  ("unacceptable", "acceptable"),
                  (metrics.accuracy, metrics.matthews("acceptable")), mixtures=GLUE),
    PromptDataset("sst2", _glue("sst2"), ("sentence",),
                  with_label(SENTIMENT, "sentence"), SENTIMENT,
                  mixtures=GLUE + every_template(SENTIMENT_MIX)),
    PromptDataset("glue_mrpc", _glue("mrpc"), ("sentence1", "sentence2"),
                  with_label(NO_YES, "sentence1", "sentence2"), NO_YES,
                  (metrics.accuracy, metrics.binary_f1("yes")),
                  mixtures=GLUE + every_template(PARAPHRASE_MIX)),
    PromptDataset("glue_qqp", _glue("qqp"), ("question1", "question2"),
                  with_label(NO_YES, "question1", "question2"), NO_YES,
                  (metrics.accuracy, metrics.binary_f1("yes")),
                  mixtures=GLUE + every_template(PARAPHRASE_MIX)),
    PromptDataset("stsb", _glue("stsb"), ("sentence1", "sentence2"), format_stsb,
                  STSB_OPTIONS, (metrics.pearson_spearman,),
                  mixtures=GLUE + every_template(PARAPHRASE_MIX)),
    PromptDataset("mnli_matched", _glue("mnli"), ("premise", "hypothesis"),
                  with_label(MNLI_OPTIONS, "premise", "hypothesis"), MNLI_OPTIONS,
                  splits={"train": "train", "validation": "validation_matched",
                          "test": "test_matched"}, templates="mnli", mixtures=GLUE),
    PromptDataset("mnli_mismatched", _glue("mnli"), ("premise", "hypothesis"),
                  with_label(MNLI_OPTIONS, "premise", "hypothesis"), MNLI_OPTIONS,
                  splits={"train": "train", "validation": "validation_mismatched",
                          "test": "test_mismatched"}, templates="mnli", mixtures=GLUE),
    PromptDataset("qnli", _glue("qnli"), ("question", "sentence"),
                  with_label(YES_NO, "question", "sentence"), YES_NO, mixtures=GLUE),
    PromptDataset("wnli", _glue("wnli"), ("sentence1", "sentence2"),
                  with_label(NO_YES, "sentence1", "sentence2"), NO_YES, mixtures=GLUE),
    # Sentiment beyond SST-2 (accuracy, as FLAN reports these).
    PromptDataset("imdb_reviews", tfds_name("imdb_reviews", "plain_text"), ("text",),
                  _review(SENTIMENT, _IMDB_MARKUP), SENTIMENT, splits=_TRAIN_TEST,
                  mixtures=every_template(SENTIMENT_MIX)),
    PromptDataset("yelp_polarity_reviews", tfds_name("yelp_polarity_reviews"), ("text",),
                  _review(SENTIMENT, _YELP_ESCAPES), SENTIMENT, splits=_TRAIN_TEST,
                  mixtures=every_template(SENTIMENT_MIX)),
    PromptDataset("sentiment140", tfds_name("sentiment140"), ("text",),
                  _review(SENTIMENT, label=sentiment140_label), SENTIMENT,
                  splits=_TRAIN_TEST, mixtures=every_template(SENTIMENT_MIX),
                  example_filter=is_polar),
    # Paraphrase identification (label 1 = paraphrase -> "yes").
    PromptDataset("paws_wiki", tfds_name("paws_wiki", "labeled_final_tokenized"),
                  ("sentence1", "sentence2"),
                  with_label(NO_YES, "sentence1", "sentence2"), NO_YES,
                  mixtures=every_template(PARAPHRASE_MIX)),
    # Reading comprehension (SQuAD exact match and F1 against the first gold answer).
    PromptDataset("squad_v1", tfds_name("squad", "v1.1"), SQUAD_FIELDS, _squad(), None,
                  (metrics.squad,), mixtures=every_template(SQUAD_MIX)),
    PromptDataset("squad_v2", tfds_name("squad", "v2.0"), SQUAD_FIELDS,
                  _squad(UNANSWERABLE), None, (metrics.squad,),
                  mixtures=every_template(SQUAD_MIX)),
)

# Beyond GLUE, SuperGLUE, sentiment, paraphrase and SQuAD: one module per group.
GROUPS = (datasets_closedbook, datasets_translation, datasets_summarization, datasets_nli,
          datasets_commonsense, datasets_coref, datasets_textgen)
DATASETS: Tuple[PromptDataset, ...] = CORE_DATASETS + tuple(
    cfg for group in GROUPS for cfg in group.DATASETS)



def datasets_in(family: str) -> Tuple[str, ...]:
    """Names of the datasets that join ``family``, in ``DATASETS`` order:
    ``datasets_in("ft_squad_mix") == ("squad_v1", "squad_v2")``."""
    return tuple(d.name for d in DATASETS if family in d.families)
