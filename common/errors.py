"""One base class for errors the user can fix, and one command-line wrapper that prints them.

Every such error says the problem and the fix in one line. ``cli_main`` runs an entry
point and turns a ``UserError`` into that line on stderr and exit status 2; any other
exception becomes one line with its type and exit status 1. ``--debug`` on the command
line shows the traceback instead. See docs/troubleshooting.md.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Callable, List, Optional, Sequence, Tuple

EXIT_USER_ERROR = 2
EXIT_FAILED = 1


class UserError(Exception):
    """A problem the user can fix: its message is one line naming the problem and the fix.

    Subclasses also derive from the builtin error they stand for (``ValueError``,
    ``FileNotFoundError``, ...), so callers may catch either.
    """


def pop_debug(argv: Sequence[str]) -> Tuple[List[str], bool]:
    """``(argv without a bare --debug, debug?)``.

    ``--debug OPTIONS`` (HF's own flag, with a value) stays in argv and also counts.

    >>> pop_debug(["--x", "1", "--debug"])
    (['--x', '1'], True)
    """
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


def rank_from_env() -> int:
    """This process's rank as torchrun sets it (0 outside a distributed launch)."""
    return int(os.environ.get("RANK", "0"))


def one_line(err: BaseException) -> str:
    """The first line of ``err``'s message; a tf.data assertion's own message unwrapped."""
    text = str(err).strip()
    message = text.splitlines()[0] if text else ""
    asserted = re.search(r"assertion failed: \[([^\]]+)\]", message)
    return asserted.group(1) if asserted else message


def cli_main(entry: Callable[[List[str]], Optional[int]], argv: Optional[Sequence[str]] = None,
             *, extra_user_errors: Tuple[type, ...] = (), keep_debug_flag: bool = False) -> int:
    """Runs ``entry(argv)`` with one-line errors; returns the exit status.

    A ``UserError`` (or one of ``extra_user_errors``) prints ``error: <message>`` once
    (rank 0 only: every rank hits the same setup error) and returns 2; anything else
    prints ``error: <Type>: <message>`` with the rank when distributed and returns 1.
    ``--debug`` re-raises instead; ``keep_debug_flag`` leaves it in ``argv`` for an
    entry point that also reads it (e.g. to keep its logs verbose).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    stripped, debug = pop_debug(argv)
    if not keep_debug_flag:
        argv = stripped
    try:
        status = entry(argv)
        return 0 if status is None else int(status)
    except (UserError,) + tuple(extra_user_errors) as err:
        if debug:
            raise
        if rank_from_env() == 0:
            print(f"error: {one_line(err)}", file=sys.stderr, flush=True)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        raise
    except Exception as err:  # noqa: BLE001  (one line; --debug shows the traceback)
        if debug:
            raise
        where = f" (rank {rank_from_env()})" if int(os.environ.get("WORLD_SIZE", "1")) > 1 else ""
        print(f"error{where}: {type(err).__name__}: {one_line(err)} (rerun with --debug for "
              f"the traceback)", file=sys.stderr, flush=True)
        return EXIT_FAILED
