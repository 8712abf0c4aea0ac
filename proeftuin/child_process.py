"""Building a large structure in a child process, so that a worker keeps only the result.

Python hands little of the memory it frees back to the system: a worker that reads a hundred
thousand rows, or a few hundred thousand words, into temporary objects keeps that memory
after the objects are gone. Built in a child of its own, the structure comes back pickled,
and the worker grows by the structure alone. The library index and the guard's word lists
are made this way.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def built_in_child(code: str, kind: type[T], stdin: bytes = b"", *, timeout: float,
                   heartbeat: Callable[[], None] | None = None) -> T:
    """Run `code` in a new interpreter and return the `kind` it pickled to its standard
    output.

    `stdin` is given to the child (an address with a password goes there, not on the
    command line, where `ps` shows it); `heartbeat` is called every second while it works.
    Raises RuntimeError with the end of the child's error output when it fails or takes
    longer than `timeout` seconds, and when it answers something else than a `kind`.
    """
    # The result comes back through a file, read straight into its objects.
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(  # noqa: S603 - `code` is our own, never a visitor's
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=output, stderr=errors)
        child.stdin.write(stdin)
        child.stdin.close()
        deadline = time.monotonic() + timeout
        while child.poll() is None:
            if time.monotonic() > deadline:
                child.kill()
                child.wait()
                raise RuntimeError(f"the child process took longer than {timeout:g} s")
            if heartbeat is not None:
                heartbeat()
            try:
                child.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        if child.returncode:
            errors.seek(0)
            raise RuntimeError(errors.read().decode(errors="replace")[-2000:])
        output.seek(0)
        result = pickle.load(output)  # noqa: S301 - our own child's output
    if not isinstance(result, kind):
        raise RuntimeError(f"the child process answered a {type(result).__name__}, "
                           f"not a {kind.__name__}")
    return result


def write_result(result: object) -> None:
    """Pickle a child's result to its standard output, for `built_in_child`."""
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
