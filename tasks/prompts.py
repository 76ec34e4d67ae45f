"""Registering prompt tasks: one call gives a dataset all its templates and shot variants.

``register_prompt_task`` is both the public API for users' own tasks and the loop body
of the built-in FLAN-style tasks (``tasks/flan``): ``d_type_i`` for each template,
FLAN's per-dataset ``d_10templates`` (one of the answer templates per example) and
``d_all_templates`` (one of all, reversed included), their one- and multi-shot variants,
and placeholders checked against the source's fields. Mixture families join the
per-dataset tasks; evaluation scores their templates one by one.

See README.md, "Registering a new prompt task" (an example) and docs/tasks.md,
"Registering prompt tasks"."""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics as metrics_lib
from tasks.any_template import render_any_template
from tasks import registration
from tasks import shots as shots_lib
from tasks import templating
from tasks import vocab
from tasks.names import REGISTERED_SHOTS, Shot, dataset_task_name, shot_name, zero_shot_name

import seqio
import tensorflow as tf

ALL_SHOTS = REGISTERED_SHOTS  # the others: tasks.shot_variants, on first use
# A formatter maps one source example to a dict of scalar tf.string fields; it may also
# return "options" (a 1-D tf.string tensor) when the answer options vary per example.
Formatter = Callable[[Mapping[str, tf.Tensor]], Dict[str, tf.Tensor]]
# A formatter's key for features that are not template fields but go along with each
# example of a template task for its metric (``{"scoring": {"answers": ...}}``: ReCoRD's
# gold answers, MultiRC's question ids), as T5's flat names (``idx/question``).
SCORING = "scoring"


@dataclasses.dataclass(frozen=True)
class PromptTaskInfo:
    """What evaluation and the CLI need to know about a registered prompt task."""

    name: str
    dataset: str
    template_idx: int
    shot: Shot
    template: Tuple[str, str]
    options: Optional[Tuple[str, ...]]  # fixed options; None if per-example or none
    classification: bool  # asks for the answer among options (rankable)

    @property
    def reversed(self) -> bool:
        return not self.classification and not templating.asks_answer(self.template)

    @property
    def zero_shot_name(self) -> str:
        return zero_shot_name(self.dataset, self.template_idx)


PROMPT_TASKS: Dict[str, PromptTaskInfo] = {}
DATASET_TEMPLATES: Dict[str, int] = {}  # dataset -> number of templates
# dataset -> its definition as ``registration.decide`` compares it.
DATASET_DEFINITIONS: Dict[str, Dict[str, object]] = {}


def label_to_answer(label: tf.Tensor, options: Sequence[str]) -> tf.Tensor:
    """``options[label]``, or ``""`` for an unlabelled (-1) test example."""
    table = tf.constant(list(options))
    label = tf.cast(label, tf.int32)
    safe = tf.clip_by_value(label, 0, len(options) - 1)
    return tf.where(label >= 0, tf.gather(table, safe), "")


def default_formatter(options: Optional[Sequence[str]] = None) -> Formatter:
    """Scalar features as strings; ``label`` also as ``answer`` (``options[label]``).

    ``{"premise": "A.", "label": 1}`` with options ``["yes", "no"]`` ->
    ``{"premise": "A.", "label": "1", "answer": "no"}``.
    """
    def fmt(ex):
        out = {}
        for key, value in ex.items():
            if not isinstance(value, tf.Tensor) or value.shape.rank != 0:
                continue
            out[key] = value if value.dtype == tf.string else tf.strings.as_string(value)
        if "label" in ex and "answer" not in out:
            label = ex["label"]
            if label.dtype == tf.string:
                out["answer"] = label
            elif options:
                out["answer"] = label_to_answer(label, options)
        return out
    return fmt


def apply_template(dataset: tf.data.Dataset, *, formatter: Formatter,
                   template: Tuple[str, str],
                   options: Optional[Sequence[str]] = None) -> tf.data.Dataset:
    """Formats each example and renders one template into ``inputs``/``targets``.

    ``{"premise": "A.", "hypothesis": "B.", "label": 0}`` with
    ``("{premise} B? {options_}", "{answer}")`` and options ``["yes", "no"]`` ->
    ``{"inputs": "A. B? OPTIONS:\\n- yes\\n- no", "targets": "yes",
    "options": ["yes", "no"]}``.
    """
    classification = templating.is_classification(template)

    @tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite to pay per task
    def fn(ex):
        fields = dict(formatter(ex))
        scoring = fields.pop(SCORING, {})
        opts = fields.pop("options", None)
        if opts is None and options:
            opts = tf.constant(list(options))
        if opts is not None:
            fields[templating.OPTIONS_FIELD] = templating.render_options(opts)
        out = {"inputs": templating.render(template[0], fields),
               "targets": templating.render(template[1], fields), **scoring}
        if classification:
            out["options"] = opts
        return out

    return dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)


def format_fields(dataset: tf.data.Dataset, *, formatter: Formatter,
                  options: Optional[Sequence[str]] = None) -> tf.data.Dataset:
    """The formatter's string fields of each example, with its ``options`` (per example,
    else the fixed ones): what a per-dataset task caches before choosing a template.

    ``{"premise": "A.", "label": 0}`` with options ``["yes", "no"]`` ->
    ``{"premise": "A.", "label": "0", "answer": "yes", "options": ["yes", "no"]}``.
    """
    @tf.autograph.experimental.do_not_convert
    def fn(ex):
        fields = dict(formatter(ex))
        fields.pop(SCORING, None)  # for scoring template tasks only
        if "options" not in fields and options:
            fields["options"] = tf.constant(list(options))
        return fields

    return dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)


def filter_examples(dataset: tf.data.Dataset, *,
                    predicate: Callable) -> tf.data.Dataset:
    """Keeps the source examples for which ``predicate(ex)`` is True.

    With ``predicate = lambda ex: ex["polarity"] != 2``, ``[{"polarity": 0},
    {"polarity": 2}, {"polarity": 4}]`` -> ``[{"polarity": 0}, {"polarity": 4}]``.
    """
    return dataset.filter(predicate)


def strip_postprocessor(output, example=None, is_target=False):
    """Default postprocessor: the decoded text without surrounding white space."""
    del example, is_target
    return output.strip() if isinstance(output, str) else output


def source_fields(source: seqio.DataSource) -> List[str]:
    """Feature names of a TFDS source (read from the builder's code, no data needed)."""
    if isinstance(source, seqio.TfdsDataSource):
        import tensorflow_datasets as tfds
        name = source.tfds_dataset.name
        return list(tfds.builder(name.partition(":")[0]).info.features.keys())
    raise templating.TemplateError(
        f"cannot list the fields of a {type(source).__name__}; pass fields=[...] "
        "(the names your formatter or source provides)")


def register_prompt_task(dataset: str, source: seqio.DataSource,
                         templates: Sequence[Tuple[str, str]], *,
                         fields: Optional[Iterable[str]] = None,
                         formatter: Optional[Formatter] = None,
                         options: Optional[Sequence[str]] = None,
                         metric_fns: Optional[Sequence[Callable]] = None,
                         postprocess_fn: Optional[Callable] = None,
                         example_filter: Optional[Callable] = None,
                         mixtures: Sequence[Union[str, registration.Join]] = (),
                         shots: Sequence[Shot] = ALL_SHOTS,
                         output_features: Optional[Mapping[str, seqio.Feature]] = None,
                         origin: Optional[str] = None,
                         fewshot_layout: Optional[str] = None,
                         ) -> List[str]:
    """Registers ``<dataset>_type_<i>`` and its shot variants for every template i.

    Args:
      dataset: the dataset name used in task names (``rte`` -> ``rte_type_0``).
      source: a seqio DataSource (e.g. ``tasks.sources.LocalTfdsDataSource``).
      templates: ``(input pattern, target pattern)`` pairs with ``{field}``
        placeholders; ``{options_}`` renders the options block, ``{answer}`` the label.
      fields: the field names the formatter provides (default: the source's features).
      formatter: example -> dict of string fields (default: ``default_formatter``);
        its ``SCORING`` entry, a dict of features, goes along with each example of
        the template tasks for ``postprocess_fn`` and the metrics.
      options: the answer options, label i -> ``options[i]``; a formatter may instead
        return per-example ``options``.
      metric_fns: ``fn(targets, predictions) -> dict`` for templates that ask for the
        answer (default: accuracy); reversed templates are training-only.
      postprocess_fn: applied to decoded predictions and targets (default: strip).
      example_filter: source example -> scalar tf.bool; examples where it is False are
        dropped before templating (e.g. Sentiment140's neutral test tweets).
      mixtures: mixture families to join (``["my_mix"]`` -> ``my_mix.flan`` holds
        ``<dataset>_all_templates``: every template, zero-shot); a
        ``tasks.registration.Join`` picks answer templates only (``_10templates``) or
        other shot variants. ``mixtures.register_all()`` builds them.
      shots: which shot variants to register.
      fewshot_layout: this dataset's few-shot prompt layout (``tasks.shots.LAYOUTS``:
        FLAN v2's or v1's); default: the run's (``--fewshot_layout``).
      origin: where the definition comes from, for errors (default: the caller's
        ``file:line``).

    Registering the same dataset again with the same definition does nothing (it may
    join more families); a different definition raises
    ``tasks.registration.DuplicateNameError``.

    Returns:
      The registered task names.
    """
    origin = origin or registration.caller_origin(skip_modules={__name__})
    fields = list(fields) if fields is not None else source_fields(source)
    known = set(fields) | {templating.ANSWER_FIELD}
    if options is not None or "options" in known:
        known.add(templating.OPTIONS_FIELD)
    templating.check_templates(dataset, templates, known)
    joins = [registration.Join.of(m) for m in mixtures]
    for j in joins:
        missing = [s.name.lower() for s in j.shots if s not in shots]
        if missing:
            raise registration.MixtureFamilyError(
                f"{dataset}: mixture family {j.family!r} asks for {', '.join(missing)}-shot "
                "tasks this registration does not make; add them to shots= or drop them "
                "from the Join")
    templates = [tuple(t) for t in templates]
    formatter = formatter or default_formatter(options)
    features = output_features or vocab.get_output_features()
    metric_fns = list(metric_fns) if metric_fns is not None else [metrics_lib.accuracy]
    postprocess_fn = postprocess_fn or strip_postprocessor
    definition = {
        "source": registration.describe_source(source),
        "templates": registration.fingerprint(templates),
        "options": registration.fingerprint(options),
        "formatter": registration.fingerprint(formatter),
        "example filter": registration.fingerprint(example_filter),
        "metrics": registration.fingerprint(metric_fns),
        "postprocessor": registration.fingerprint(postprocess_fn),
        "shots": registration.fingerprint(tuple(shots)),
        "output features": registration.fingerprint(features),
        "few-shot layout": fewshot_layout and shots_lib.check_layout(fewshot_layout),
    }
    verdict = registration.decide("prompt dataset", dataset, DATASET_DEFINITIONS.get(dataset),
                                  definition, origin)
    if verdict == "same":
        names = [shot_name(dataset, i, shot) for i in range(len(templates)) for shot in shots]
        names += [n for n, info in DATASET_TASKS.items() if info.dataset == dataset]
    else:
        exemplars = {"layout": fewshot_layout} if fewshot_layout else {}
        names = _add_template_tasks(dataset, source, templates, formatter, options, features,
                                    metric_fns, postprocess_fn, example_filter, shots, origin,
                                    exemplars)
        names += _add_dataset_tasks(dataset, source, templates, formatter, options, features,
                                    example_filter, shots, origin, exemplars)
        DATASET_TEMPLATES[dataset] = len(templates)
        DATASET_DEFINITIONS[dataset] = definition
    for j in joins:
        registration.join(j.family, "flan", dataset_task_names(
            [dataset], shots=j.shots, answer_only=j.answer_only))
    return names


def _add_template_tasks(dataset, source, templates, formatter, options, features,
                        metric_fns, postprocess_fn, example_filter, shots,
                        origin, exemplars) -> List[str]:
    """One task per (template, shot), through ``registration.add_task``."""
    names = []
    for i, template in enumerate(templates):
        classification = templating.is_classification(template)
        asks_answer = templating.asks_answer(template)
        base = [
            *([functools.partial(filter_examples, predicate=example_filter)]
              if example_filter is not None else []),
            functools.partial(apply_template, formatter=formatter, template=template,
                              options=options),
            seqio.preprocessors.tokenize,
            seqio.CacheDatasetPlaceholder(),
        ]
        zero = zero_shot_name(dataset, i)
        for shot in shots:
            name = shot_name(dataset, i, shot)
            steps = list(base)
            if shot is not Shot.ZERO:
                steps.append(functools.partial(shots_lib.prepend_exemplars,
                                               zero_shot_task=zero, shot=shot, **exemplars))
            steps.append(seqio.preprocessors.append_eos_after_trim)
            registration.add_task(seqio.Task(
                name, source=source, preprocessors=steps, output_features=features,
                postprocess_fn=postprocess_fn if asks_answer else None,
                metric_fns=metric_fns if asks_answer else []), origin)
            PROMPT_TASKS[name] = PromptTaskInfo(
                name=name, dataset=dataset, template_idx=i, shot=shot, template=template,
                options=tuple(options) if options and classification else None,
                classification=classification)
            names.append(name)
    return names


@dataclasses.dataclass(frozen=True)
class DatasetTaskInfo:
    """A per-dataset task: which dataset, shot and templates (indices) it renders with."""

    name: str
    dataset: str
    shot: Shot
    template_indices: Tuple[int, ...]
    every_template: bool  # reversed templates included (``_all_templates``)


DATASET_TASKS: Dict[str, DatasetTaskInfo] = {}


def _add_dataset_tasks(dataset, source, templates, formatter, options, features,
                       example_filter, shots, origin, exemplars) -> List[str]:
    """FLAN's per-dataset tasks and their shot variants: ``<dataset>_10templates`` renders
    each example with one of the answer templates, ``<dataset>_all_templates`` (when
    some template is reversed) with one of all templates (``render_any_template``).
    For training: no metrics, evaluation scores the per-template tasks
    (``template_tasks(name, scored_only=True)``). Both cache the same formatted fields."""
    answer = tuple(i for i, t in enumerate(templates) if templating.asks_answer(t))
    every = tuple(range(len(templates)))
    flavours = [(False, answer or every)]
    if answer and answer != every:
        flavours.append((True, every))
    pre_cache = [
        *([functools.partial(filter_examples, predicate=example_filter)]
          if example_filter is not None else []),
        functools.partial(format_fields, formatter=formatter, options=options),
        seqio.CacheDatasetPlaceholder(),
    ]
    names = []
    for every_template, indices in flavours:
        render = functools.partial(render_any_template,
                                   templates=tuple(templates[i] for i in indices))
        zero = dataset_task_name(dataset, every_template=every_template)
        for shot in shots:
            name = dataset_task_name(dataset, shot, every_template=every_template)
            steps = [*pre_cache, render, seqio.preprocessors.tokenize]
            if shot is not Shot.ZERO:
                steps.append(functools.partial(shots_lib.prepend_exemplars,
                                               zero_shot_task=zero, shot=shot, **exemplars))
            steps.append(seqio.preprocessors.append_eos_after_trim)
            registration.add_task(seqio.Task(name, source=source, preprocessors=steps,
                                             output_features=features), origin)
            DATASET_TASKS[name] = DatasetTaskInfo(name, dataset, shot, indices,
                                                  every_template)
            names.append(name)
    return names


def unregister_dataset(dataset: str) -> None:
    """Removes a prompt dataset's tasks and memberships (tests, notebooks)."""
    names = [n for n, info in PROMPT_TASKS.items() if info.dataset == dataset]
    names += [n for n, info in DATASET_TASKS.items() if info.dataset == dataset]
    for name in names:
        PROMPT_TASKS.pop(name, None)
        DATASET_TASKS.pop(name, None)
        if name in seqio.TaskRegistry.names():
            seqio.TaskRegistry.remove(name)
    registration.leave(names)
    DATASET_TEMPLATES.pop(dataset, None)
    DATASET_DEFINITIONS.pop(dataset, None)


def prompt_task_names(datasets: Iterable[str], shots: Sequence[Shot] = (Shot.ZERO,),
                      answer_only: bool = False) -> List[str]:
    """Registered task names of these datasets, template order, for the given shots.

    ``answer_only`` keeps templates whose target is the answer (drops reversed ones).
    """
    out = []
    for d in datasets:
        for i in range(DATASET_TEMPLATES[d]):
            for shot in shots:
                info = PROMPT_TASKS[shot_name(d, i, shot)]
                if answer_only and not templating.asks_answer(info.template):
                    continue
                out.append(info.name)
    return out


def dataset_task_names(datasets: Iterable[str], shots: Sequence[Shot] = (Shot.ZERO,),
                       answer_only: bool = False) -> List[str]:
    """The per-dataset tasks that mixture families join: ``<d>_10templates`` with
    ``answer_only``, else ``<d>_all_templates`` (``_10templates`` when no template of
    ``d`` is reversed), for the given shots."""
    out = []
    for d in datasets:
        for shot in shots:
            name = dataset_task_name(d, shot, every_template=not answer_only)
            out.append(name if name in DATASET_TASKS else dataset_task_name(d, shot))
    return out


def template_tasks(name: str, scored_only: bool = False) -> Optional[List[str]]:
    """The per-template tasks a per-dataset task draws from, same shot
    (``rte_10templates_one_shot`` -> ``rte_type_0_one_shot``, ...); ``scored_only``
    keeps those with metrics (answer templates): what evaluating it means. None for any
    other name."""
    info = DATASET_TASKS.get(name)
    if info is None:
        return None
    names = [shot_name(info.dataset, i, info.shot) for i in info.template_indices]
    if scored_only:
        names = [n for n in names if templating.asks_answer(PROMPT_TASKS[n].template)]
    return names
