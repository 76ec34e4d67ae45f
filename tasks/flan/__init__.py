"""FLAN-style instruction-prompt tasks: one loop registers every (dataset, template).

For each config in ``tasks.flan.datasets.DATASETS`` and each template i of
``tasks.flan.templates.PATTERNS``, ``tasks.prompts.register_prompt_task`` registers
``<dataset>_type_<i>`` and its ``_one_shot`` / ``_multi_shot`` variants.
"""

from tasks import prompts
from tasks.flan import datasets, templates
from tasks.flan.datasets import (  # noqa: F401
    FT_DATASETS, GLUE_DATASETS, SUPERGLUE_DATASETS)
from tasks.sources import LocalTfdsDataSource


def register_all() -> None:
    """Registers every built-in FLAN-style task once (later calls do nothing)."""
    for cfg in datasets.DATASETS:
        if cfg.name in prompts.DATASET_TEMPLATES:
            continue
        prompts.register_prompt_task(
            cfg.name,
            source=LocalTfdsDataSource(cfg.tfds_name, splits=cfg.splits),
            templates=templates.PATTERNS[cfg.templates or cfg.name],
            fields=cfg.fields,
            formatter=cfg.formatter,
            options=cfg.options,
            metric_fns=cfg.metric_fns,
            example_filter=cfg.example_filter,
            postprocess_fn=cfg.postprocess_fn,
        )


register_all()
