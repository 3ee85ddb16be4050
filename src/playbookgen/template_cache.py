"""Compiled Jinja templates kept on disk between builds, for our environments and the engine's.

Compiling templates is a large share of a small build: Material's theme alone is some sixty
templates, compiled afresh by every `mkdocs build`. Jinja can keep the compiled code (its bytecode
cache) and reuse it while a template's source is unchanged. Ours is keyed by three things:

- the template file (name and path);
- the environment's compile-time settings (escaping, finalize, syntax, sandbox), because the same
  source compiles to different code under them: an escaping environment must never run code
  compiled by a non-escaping one;
- the Jinja and Python versions (Jinja's own header also checks the latter).

Jinja's checksum of the source throws a stale entry away. Templates under a ``skip`` folder (the
engine's throwaway work folder) are not cached, so the cache never grows with one-off paths.

The folder is $PLAYBOOKGEN_CACHE_DIR, else $XDG_CACHE_HOME/playbookgen, else ~/.cache/playbookgen;
an empty PLAYBOOKGEN_CACHE_DIR turns caching off. A cached template is code we run, so the folder
must be ours and closed to others, or it is not used. Any failure to read or write the cache only
means compiling again: the cache never fails a build and never changes a byte of its output.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

__all__ = ["TemplateCache", "cache_directory", "template_cache"]

ENV_VARIABLE = "PLAYBOOKGEN_CACHE_DIR"
_SUBFOLDER = "jinja"


def cache_directory() -> Path | None:
    """Where compiled templates go, or None when the user turned caching off."""
    chosen = os.environ.get(ENV_VARIABLE)
    if chosen is not None:
        return Path(chosen) / _SUBFOLDER if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "playbookgen" / _SUBFOLDER


def _private_folder(folder: Path) -> bool:
    """Make ``folder`` if needed; True only when it is a directory we own that no one else may write."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not (hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022))


def _compile_settings(environment: jinja2.Environment, name: str) -> str:
    """Everything about an environment that changes the code a template compiles to."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    finalize = environment.finalize
    parts = (
        type(environment).__module__, type(environment).__qualname__,
        f"{finalize.__module__}.{finalize.__qualname__}" if finalize is not None else None,
        bool(autoescape), environment.optimized, environment.is_async,
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, sorted(environment.extensions),
        environment.code_generator_class.__qualname__, jinja2.__version__, sys.version,
    )
    return repr(parts)


class TemplateCache(jinja2.BytecodeCache):
    """A bytecode cache in a private folder, keyed by file and compile settings (see the module)."""

    def __init__(self, folder: Path, skip: tuple[Path, ...] = ()) -> None:
        self.folder = folder
        self.skip = tuple(str(path.resolve()) + os.sep for path in skip)

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        checksum = self.get_source_checksum(source)
        if filename is None or os.path.abspath(filename).startswith(self.skip):
            return Bucket(environment, "", checksum)  # no key: neither loaded nor stored
        key = hashlib.sha256(f"{_compile_settings(environment, name)}\0{name}\0{filename}".encode()).hexdigest()
        bucket = Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        if not bucket.key:
            return
        try:
            with open(self.folder / f"{bucket.key}.cache", "rb") as file:
                bucket.load_bytecode(file)
        except FileNotFoundError:
            return
        except Exception:  # noqa: BLE001 - a damaged entry (truncated, foreign) only means compiling again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not bucket.key or bucket.code is None:
            return
        try:
            data = bucket.bytecode_to_string()
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, self.folder / f"{bucket.key}.cache")
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, ValueError, TypeError):
            return  # a full disk or a read-only home: the build goes on uncached


def template_cache(skip: tuple[Path, ...] = ()) -> TemplateCache | None:
    """The user's template cache, or None when it is turned off or its folder is not safely ours."""
    folder = cache_directory()
    if folder is None or not _private_folder(folder):
        return None
    return TemplateCache(folder, skip)
