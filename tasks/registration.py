"""One policy for a name registered twice, and the mixture families tasks declare.

``add_task`` and ``add_mixture`` are how the project puts providers into seqio's
registries; ``decide`` is the policy (same definition: no-op; a mixture that only grew:
rebuilt; else ``DuplicateNameError``). ``join`` records the families tasks join, which
``mixtures.register_all`` builds. See README.md, "Tasks and mixtures".
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import sys
import types
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from common.errors import UserError
from tasks import vocab
from tasks.names import Shot, mixture_name

import seqio


class DuplicateNameError(UserError, ValueError):
    """A task, mixture or prompt dataset name registered twice with different definitions."""


class MixtureFamilyError(UserError, ValueError):
    """A mixture family that is not a name or a ``Join``, or joins unregistered shots."""


# (kind, name) -> where its definition came from (a module, or a user file:line).
ORIGINS: Dict[Tuple[str, str], str] = {}


def caller_origin(skip_modules: Iterable[str] = ()) -> str:
    """``file:line`` of the first caller outside this module and ``skip_modules``."""
    skip = {__name__, *skip_modules}
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in skip:
        frame = frame.f_back
    if frame is None:
        return "unknown caller"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def fingerprint(obj, depth: int = 0):
    """A value-comparable description of a definition part (functions by module,
    qualified name, defaults and closure values; partials by function and arguments).

    ``fingerprint(functools.partial(f, x=1)) == fingerprint(functools.partial(f, x=1))``
    although the two partials are different objects.
    """
    if depth > 12:
        return ("...", type(obj).__qualname__)
    fp = functools.partial(fingerprint, depth=depth + 1)
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return obj
    if isinstance(obj, enum.Enum):
        return repr(obj)
    if isinstance(obj, (list, tuple)):
        return tuple(fp(x) for x in obj)
    if isinstance(obj, (set, frozenset)):
        return ("set", tuple(sorted(repr(fp(x)) for x in obj)))
    if isinstance(obj, Mapping):
        return ("map", tuple(sorted((str(k), fp(v)) for k, v in obj.items())))
    if isinstance(obj, functools.partial):
        return ("partial", fp(obj.func), fp(obj.args), fp(obj.keywords))
    if isinstance(obj, types.FunctionType):
        cells = []
        for cell in obj.__closure__ or ():
            try:
                cells.append(fp(cell.cell_contents))
            except ValueError:  # an empty cell
                cells.append(None)
        return ("function", obj.__module__, obj.__qualname__, fp(obj.__defaults__),
                fp(obj.__kwdefaults__), tuple(cells))
    if isinstance(obj, (types.BuiltinFunctionType, types.MethodType)):
        return ("method", getattr(obj, "__module__", None), obj.__qualname__,
                fp(getattr(obj, "__self__", None)))
    if isinstance(obj, type):
        return ("type", obj.__module__, obj.__qualname__)
    if isinstance(obj, types.ModuleType):
        return ("module", obj.__name__)
    if isinstance(obj, seqio.TfdsDataSource):
        return describe_source(obj)
    if isinstance(obj, seqio.Vocabulary):
        if obj is vocab.DEFAULT_VOCABULARY:  # one object, its file resolved on first use
            return ("vocabulary", "tasks.vocab.DEFAULT_VOCABULARY")
        return ("vocabulary", type(obj).__qualname__,
                getattr(obj, "sentencepiece_model_file", None), obj.extra_ids)
    if dataclasses.is_dataclass(obj):
        return (type(obj).__qualname__, tuple(
            (f.name, fp(getattr(obj, f.name))) for f in dataclasses.fields(obj)))
    if hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in {"seqio", "tasks", "t5"}:
        return (type(obj).__module__, type(obj).__qualname__, fp(vars(obj)))
    return ("object", type(obj).__qualname__, id(obj))  # only equal to itself


def describe_source(source) -> str:
    """A short readable description: ``tfds super_glue/rte:1.0.2 splits=train,...``."""
    if isinstance(source, seqio.TfdsDataSource):
        # The declared splits only: ``source.splits`` would read the data's info.
        split_map = source.tfds_dataset._split_map or {}
        splits = ",".join(f"{k}={v}" if v != k else k for k, v in
                          ((s, split_map.get(s, s)) for s in source._splits)) or "all"
        data_dir = source.tfds_dataset._data_dir
        return (f"tfds {source.tfds_dataset.name} splits={splits}"
                + (f" data_dir={data_dir}" if data_dir else ""))
    return repr(fingerprint(source))


def task_definition(task: seqio.Task) -> Dict[str, object]:
    """The parts that make two tasks of one name the same task."""
    return {
        "source": describe_source(task.source),
        "preprocessors": fingerprint(list(task.preprocessors)),
        "postprocessor": fingerprint(task.postprocessor),
        "metrics": fingerprint(list(task.metric_fns)),
        "output features": fingerprint(dict(task.output_features)),
    }


def mixture_definition(mixture: seqio.Mixture) -> Dict[str, object]:
    """Members (name -> rate) of a mixture."""
    return {"members": {name: fingerprint(rate)
                        for name, rate in mixture._task_to_rate.items()}}


def decide(kind: str, name: str, old: Optional[Mapping[str, object]],
           new: Mapping[str, object], origin: str, may_grow: bool = False) -> str:
    """The one policy for tasks, prompt datasets and mixtures registered again.

    Returns ``"add"`` (``old`` is None: nothing registered under ``name``), ``"same"``
    (equal definitions, compared part by part by value: a no-op) or ``"grown"`` (with
    ``may_grow``, for mixtures: new ``members`` keep every old member with its rate, so
    the mixture is rebuilt; a user family grows as modules calling
    ``register_prompt_task(..., mixtures=[f])`` are imported). Anything else raises
    ``DuplicateNameError``, one line naming both origins and the parts that differ.
    """
    if old is None:
        ORIGINS[(kind, name)] = origin
        return "add"
    if dict(old) == dict(new):
        return "same"
    differing = [part for part in new if old.get(part) != new[part]]
    if may_grow and differing == ["members"]:
        before, after = old["members"], new["members"]
        if all(after.get(member, ...) == rate for member, rate in before.items()):
            ORIGINS[(kind, name)] = origin
            return "grown"
    if differing == ["members"]:
        gone = sorted(set(old["members"]) - set(new["members"]))
        extra = sorted(set(new["members"]) - set(old["members"]))
        what = (f"members ({len(gone)} dropped, e.g. {gone[0]}; {len(extra)} added)" if gone
                else "members' rates")
    else:
        what = ", ".join(
            f"{part} ({old.get(part)} vs {new[part]})" if part == "source" else part
            for part in differing)
    before = ORIGINS.get((kind, name), "code that called seqio directly")
    raise DuplicateNameError(
        f"{kind} {name!r} is already registered (from {before}) with a different "
        f"definition than the one from {origin} (differing: {what}); rename one of them "
        "or remove the earlier registration")


def add_task(task: seqio.Task, origin: str) -> seqio.Task:
    """Registers ``task`` under the policy of ``decide``; returns the registered task."""
    existing = (seqio.TaskRegistry.get(task.name)
                if task.name in seqio.TaskRegistry.names() else None)
    # A first registration builds no definition: comparing is what costs, at FLAN's size.
    verdict = (decide("task", task.name, None, {}, origin) if existing is None else
               decide("task", task.name, task_definition(existing), task_definition(task),
                      origin))
    if verdict == "same":
        return existing
    seqio.TaskRegistry.add_provider(task.name, task)
    return task


def add_mixture(name: str, task_names: Sequence[str], default_rate: Callable,
                origin: str) -> seqio.Mixture:
    """Registers (or rebuilds, when its members only grew) one mixture."""
    mixture = seqio.Mixture(name, list(task_names), default_rate=default_rate)
    existing = (seqio.MixtureRegistry.get(name)
                if name in seqio.MixtureRegistry.names() else None)
    verdict = (decide("mixture", name, None, {}, origin) if existing is None else
               decide("mixture", name, mixture_definition(existing),
                      mixture_definition(mixture), origin, may_grow=True))
    if verdict == "same":
        return existing
    if verdict == "grown":
        seqio.MixtureRegistry.remove(name)
    seqio.MixtureRegistry.add_provider(name, mixture)
    return mixture


@dataclasses.dataclass(frozen=True)
class Join:
    """A mixture family a dataset joins: with every template or only those that ask
    for the answer, and with which shot variants."""

    family: str
    answer_only: bool = False
    shots: Tuple[Shot, ...] = (Shot.ZERO,)

    @classmethod
    def of(cls, value) -> "Join":
        """``"my_mix"`` -> ``Join("my_mix")``; a Join stays as it is."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str) and value:
            return cls(value)
        raise MixtureFamilyError(
            f"mixture family {value!r} is neither a name nor a Join; pass a family name "
            "such as 'my_mix' or tasks.registration.Join('my_mix', answer_only=True)")


# (family, style) -> member task names in the order they joined.
_MEMBERS: Dict[Tuple[str, str], List[str]] = {}


def join(family: str, style: str, task_names: Iterable[str]) -> None:
    """Adds ``task_names`` to mixture ``<family>.<style>`` (each name once)."""
    members = _MEMBERS.setdefault((family, style), [])
    members.extend(n for n in task_names if n not in members)


def leave(task_names: Iterable[str]) -> None:
    """Drops ``task_names`` from every family and unregisters the mixtures they were in
    (``mixtures.register_all`` rebuilds those that still have members)."""
    gone = set(task_names)
    for key in list(_MEMBERS):
        if not gone & set(_MEMBERS[key]):
            continue
        _MEMBERS[key] = [n for n in _MEMBERS[key] if n not in gone]
        if not _MEMBERS[key]:
            del _MEMBERS[key]
        name = mixture_name(*key)
        if name in seqio.MixtureRegistry.names():
            seqio.MixtureRegistry.remove(name)
        ORIGINS.pop(("mixture", name), None)


def memberships() -> Dict[Tuple[str, str], List[str]]:
    """``{(family, style): [task names]}`` declared so far (a copy)."""
    return {key: list(names) for key, names in _MEMBERS.items()}
