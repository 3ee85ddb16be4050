"""Every write to the user's disk goes through here: atomic, and only over what we produced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and leaves the file and its mtime alone) when the content is already there,
    so a file watcher does not see a change that did not happen. ``durable=False``: no fsync, for a
    folder thrown away when the process ends (serve's), where a reader must only never see half a file.
    """
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_new_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` in a folder we have just made (a staging folder) and nobody else sees.

    A plain write is as safe there as the atomic one (the folder is swapped in whole, or removed)
    and costs a fraction of it: no temporary file, no rename, no fsync per file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    return write_bytes_atomic(path, text.encode("utf-8"))


# --- Whole output folders: built beside the real one, swapped in only on success ------------------
#
# A folder we made carries a marker file listing every file we put there. We replace a folder only
# when it is missing, empty, or holds nothing but what its marker lists: a file we did not write is
# never deleted.


def _listing(folder: Path) -> list[str]:
    """Every file (and symlink) under ``folder``, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink() or not p.is_dir())


def foreign_files(folder: Path, marker: str) -> list[str]:
    """Files in ``folder`` that its marker does not list as ours (all of them when there is no marker)."""
    marker_path = folder / marker
    ours = set(marker_path.read_text(encoding="utf-8").splitlines()) if marker_path.is_file() else set()
    ours.add(marker)
    return [name for name in _listing(folder) if name not in ours]


def check_replaceable(folder: Path, marker: str, option: str = "--site-dir", hint: str = "") -> None:
    """Refuse (OutputRefused, exit 2) a folder that is a file, a link, or holds files we did not make.

    ``hint``: a sentence added to the refusal, saying where such files belong instead.
    """
    from .errors import OutputRefused

    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputRefused(f"{folder} is not a folder playbookgen made; choose another with {option}")
    if folder.is_dir():
        if not (folder / marker).is_file():  # not ours at all: name a few entries, don't walk it all
            foreign = sorted(p.name for p in folder.iterdir())
        else:
            foreign = foreign_files(folder, marker)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputRefused(
                f"refusing to replace {folder}: it holds files playbookgen did not make ({shown}); "
                f"choose an empty or new folder with {option}, or remove them" + (f". Note: {hint}" if hint else "")
            )


def make_staging(out: Path, suffix: str = ".new") -> Path:
    """A fresh hidden folder beside ``out`` (same file system, so the final rename is atomic)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=suffix, dir=out.parent))
    os.chmod(staging, 0o755)
    return staging


def write_marker(folder: Path, marker: str, note: str) -> None:
    """Write ``marker`` into ``folder``: a note, then every file now in the folder (the marker too)."""
    files = sorted(set(_listing(folder)) | {marker})
    text = "".join(f"# {line}\n" for line in note.splitlines()) + "\n".join(files) + "\n"
    write_text_atomic(folder / marker, text)


def swap_folder(new: Path, out: Path) -> None:
    """Put the folder ``new`` where ``out`` is; the old ``out`` is removed only once ``new`` is in place."""
    import shutil

    if not out.exists():
        os.replace(new, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, retired / out.name)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(retired / out.name, out)  # put the last good folder back
        retired.rmdir()
        raise
    shutil.rmtree(retired, ignore_errors=True)


def remove_tree(folder: Path) -> None:
    """Delete a staging folder we created (never a folder the user gave us)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def replace_folder(out: Path, files: dict[str, bytes], marker: str, note: str, option: str = "-o") -> list[Path]:
    """Replace our folder ``out`` with ``files`` (paths relative to it): written beside it, then swapped in.

    Refuses (OutputRefused) a folder holding files we did not make; returns the files written.
    """
    check_replaceable(out, marker, option=option)
    staging = make_staging(out)
    try:
        for name, data in sorted(files.items()):
            write_new_file(staging / name, data)
        write_marker(staging, marker, note)
        swap_folder(staging, out)
    finally:
        remove_tree(staging)  # gone already after a successful swap
    return [out / name for name in sorted(files)]


def prune_folder(folder: Path, wanted: set[Path]) -> list[Path]:
    """Delete the files under our own work ``folder`` that are not in ``wanted``; returns them."""
    gone = [path for path in sorted(folder.rglob("*")) if path.is_file() and path not in wanted]
    for path in gone:
        path.unlink()
    return gone
