"""Checks on the FLAN-style template table: pure data, no seqio needed.

``conftest.FIELDS`` is the independent copy of the fields each dataset provides.
"""

import os
import string
import subprocess
import sys

import pytest

from helpers import FIELDS, ROOT
from tasks.flan.templates import FREE_TEXT, PATTERNS, REVERSED

# Optional context an answer template may leave out.
OPTIONAL = {"title"}

DATASETS = sorted(FIELDS)


def _placeholders(pattern):
    """Field names used by a str.format pattern, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(pattern)
            if field is not None]


def _split(dataset):
    """(classification templates, reversed templates) of a dataset."""
    patterns = PATTERNS[dataset]
    n_reversed = REVERSED[dataset]
    return patterns[:len(patterns) - n_reversed], patterns[len(patterns) - n_reversed:]


def test_datasets_match():
    assert set(PATTERNS) == set(FIELDS)
    assert set(REVERSED) == set(FIELDS)


@pytest.mark.parametrize("dataset", DATASETS)
def test_template_count(dataset):
    assert 8 <= len(PATTERNS[dataset]) <= 10
    assert 1 <= REVERSED[dataset] <= 2


@pytest.mark.parametrize("dataset", DATASETS)
def test_placeholders_are_known_fields(dataset):
    for inputs, targets in PATTERNS[dataset]:
        for pattern in (inputs, targets):
            for field in _placeholders(pattern):
                assert field in FIELDS[dataset], (dataset, field, pattern)


@pytest.mark.parametrize("dataset", DATASETS)
def test_no_literal_braces_or_stray_whitespace(dataset):
    for inputs, targets in PATTERNS[dataset]:
        for pattern in (inputs, targets):
            assert "{{" not in pattern and "}}" not in pattern, pattern
            # Only plain named fields: no positional, index or format spec.
            for _, field, spec, conv in string.Formatter().parse(pattern):
                if field is not None:
                    assert field.isidentifier() and not spec and not conv, pattern
            assert pattern == pattern.strip(), repr(pattern)
            for line in pattern.split("\n"):
                assert line == line.rstrip(), repr(pattern)


@pytest.mark.parametrize("dataset", DATASETS)
def test_classification_templates(dataset):
    classification, _ = _split(dataset)
    assert classification
    if dataset in FREE_TEXT:
        return  # test_free_text_templates
    for inputs, targets in classification:
        assert inputs.endswith("\n{options_}"), repr(inputs)
        assert _placeholders(inputs).count("options_") == 1, repr(inputs)
        assert "answer" not in _placeholders(inputs), repr(inputs)
        assert targets == "{answer}"


def test_free_text_datasets_have_no_options():
    assert FREE_TEXT == {d for d in FIELDS if "options_" not in FIELDS[d]}


@pytest.mark.parametrize("dataset", sorted(FREE_TEXT))
def test_free_text_templates(dataset):
    """Answer templates: every field but the answer (and optional context) in the input,
    the answer as target."""
    answering, _ = _split(dataset)
    needed = FIELDS[dataset] - {"answer"} - OPTIONAL
    for inputs, targets in answering:
        assert targets == "{answer}"
        assert needed <= set(_placeholders(inputs)), repr(inputs)
        assert "answer" not in _placeholders(inputs), repr(inputs)
    if dataset == "squad_v2":  # every answer template says what to do without answer
        assert all("unanswerable" in inputs for inputs, _ in answering)


@pytest.mark.parametrize("dataset", DATASETS)
def test_reversed_templates(dataset):
    _, reversed_ = _split(dataset)
    assert len(reversed_) == REVERSED[dataset]
    for inputs, targets in reversed_:
        assert "options_" not in _placeholders(inputs) + _placeholders(targets)
        assert targets != "{answer}"
        assert "answer" not in _placeholders(targets)
        assert _placeholders(targets), repr(targets)


@pytest.mark.parametrize("dataset", DATASETS)
def test_no_duplicates(dataset):
    patterns = PATTERNS[dataset]
    assert len(set(patterns)) == len(patterns)
    inputs = [inp for inp, _ in patterns]
    assert len(set(inputs)) == len(inputs)


@pytest.mark.parametrize("dataset", DATASETS)
def test_templates_format(dataset):
    values = {field: f"<{field}>" for field in FIELDS[dataset]}
    values["options_"] = "OPTIONS:\n- a\n- b"
    for inputs, targets in PATTERNS[dataset]:
        rendered = inputs.format(**values)
        target = targets.format(**values)
        assert "{" not in rendered and "}" not in rendered
        assert target


def test_importing_the_templates_registers_nothing_and_loads_no_tensorflow():
    """The template tables are pure data: importing them is cheap and has no effect."""
    code = ("import sys; import tasks.flan.templates as t; import tasks.flan; "
            "assert t.PATTERNS; "
            "heavy = sorted(m for m in ('tensorflow', 'seqio', 'tensorflow_datasets') "
            "if m in sys.modules); "
            "assert not heavy, heavy")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
