"""FLAN-style instruction-prompt tasks: one loop registers every (dataset, template).

Importing this package (or ``tasks.flan.templates``, pure data) registers nothing and
loads no TensorFlow. ``register_all()`` passes each config of
``tasks.flan.datasets.DATASETS`` with its templates (``tasks.flan.templates.PATTERNS``)
to ``tasks.prompts.register_prompt_task``, which registers ``<dataset>_type_<i>``,
its ``_one_shot`` / ``_multi_shot`` variants and the mixture families the config joins.
"""


def register_all() -> list:
    """Registers every built-in FLAN-style task (again: a no-op); returns the names."""
    from tasks import prompts
    from tasks.flan import datasets, templates
    from tasks.sources import LocalTfdsDataSource
    names = []
    for cfg in datasets.DATASETS:
        names += prompts.register_prompt_task(
            cfg.name,
            source=LocalTfdsDataSource(cfg.tfds_name, splits=cfg.splits),
            templates=templates.PATTERNS[cfg.template_key],
            fields=cfg.fields,
            formatter=cfg.formatter,
            options=cfg.options,
            metric_fns=cfg.metric_fns,
            example_filter=cfg.example_filter,
            postprocess_fn=cfg.postprocess_fn,
            mixtures=cfg.mixtures,
            origin=f"tasks.flan config {cfg.name!r}",
        )
    return names
