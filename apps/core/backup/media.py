"""The files under MEDIA_ROOT in a backup: copied with their size and SHA-256, checked and put back.

Every regular file under MEDIA_ROOT goes in (originals, renditions, clips, photos, exports, unfinished
resumable uploads); links and special files are skipped. Names are "/"-separated paths under MEDIA_ROOT.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Iterator

from apps.core.backup.layout import FILE_MODE, MEDIA, BackupError, BackupWriter, copy_hashing, file_digest


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name, absolute path) of every regular file under `root`, in name order; nothing when `root` is missing."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for filename in files:
            path = Path(folder) / filename
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    yield from sorted(found)


def media_copy(root: Path, writer: BackupWriter) -> dict[str, dict]:
    """Copy every file under `root` into the backup's `media/`; returns {name: {"size": bytes, "sha256": hex}}.

    A file deleted between the listing and its copy is left out (the rows naming it are then reported missing).
    """
    copied = {}
    for name, path in media_files(root):
        try:
            with open(path, "rb") as source:
                size, sha256 = writer.add_stream(f"{MEDIA}/{name}", source)
        except FileNotFoundError:
            continue
        copied[name] = {"size": size, "sha256": sha256}
    return copied


def media_check(folder: Path, files: dict[str, dict]) -> list[str]:
    """What is wrong with the backup's media in `folder / media` against the manifest's `files`: a list of
    readable problems (a missing file, another size or checksum), empty when every file matches."""
    problems = []
    for name, expected in files.items():
        path = folder / MEDIA / name
        if not path.is_file():
            problems.append(f"{name}: missing from the backup")
            continue
        size, sha256 = file_digest(path)
        if (size, sha256) != (expected["size"], expected["sha256"]):
            problems.append(f"{name}: {size} bytes, sha256 {sha256[:12]}…, the manifest says {expected['size']} bytes, "
                            f"{expected['sha256'][:12]}…")
    return problems


def media_put_back(folder: Path, files: dict[str, dict], root: Path, *, move: bool) -> None:
    """Put the backup's media files (checked by `media_check`) under `root`, replacing files of the same name.

    `move`: the backup folder is a temporary unpacking, so its files are moved (renamed, or copied across file
    systems); otherwise they are copied, hashed on the way. Raises BackupError when a copy differs from the manifest.
    """
    for name, expected in files.items():
        source, target = folder / MEDIA / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            try:
                os.replace(source, target)
                os.chmod(target, FILE_MODE)
                continue
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
        partial = target.with_name(f".{target.name}.restoring")
        with open(source, "rb") as reader, open(partial, "wb") as writer:
            size, sha256 = copy_hashing(reader, writer)
            writer.flush()
            os.fsync(writer.fileno())
        if (size, sha256) != (expected["size"], expected["sha256"]):
            partial.unlink()
            raise BackupError(f"{name} changed while it was copied from the backup; run the restore again.")
        os.chmod(partial, FILE_MODE)
        os.replace(partial, target)
