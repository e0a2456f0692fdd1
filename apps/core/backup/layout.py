"""A backup on disk: its file names, and writing or reading it as a folder, a `.tar` or a `.tar.gz` archive.

Inside, whatever the container: `manifest.json` (written last), the database (`database.dump` —
pg_dump's custom format —, `database.sql` or `database.sqlite3`), `queue.json` (Huey's pending
messages) and `media/<path under MEDIA_ROOT>`. A backup being written is named `.<name>.partial` beside
its final name and renamed when complete, so a backup under its final name is always whole. Every
file is copied in 1 MiB blocks while its SHA-256 is computed: no whole file is ever in memory.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Iterator

MANIFEST = "manifest.json"
QUEUE = "queue.json"
MEDIA = "media"
FORMAT = "slate-backup"
FORMAT_VERSION = 1
BLOCK_BYTES = 1024 * 1024
FILE_MODE = 0o640  # settings.FILE_UPLOAD_PERMISSIONS: what Django gives stored files
CONTAINERS = ("dir", "tar", "tar.gz")
GZIP_LEVEL = 1  # media (video, stills) hardly compresses; level 1 still shrinks the database and JSON several times


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def container_of(path: Path, requested: str | None = None) -> str:
    """How to write or read `path`: `requested` ('dir', 'tar' or 'tar.gz') when given, else by its suffix
    (`.tar`, `.tar.gz` / `.tgz`, anything else a folder). Raises BackupError for an unknown `requested`."""
    if requested:
        if requested not in CONTAINERS:
            raise BackupError(f"Unknown backup format {requested!r}: use one of {', '.join(CONTAINERS)}.")
        return requested
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    return "tar" if name.endswith(".tar") else "dir"


def copy_hashing(source: BinaryIO, target: BinaryIO | None) -> tuple[int, str]:
    """Copy `source` to `target` (None: only read it) in 1 MiB blocks; returns (bytes, sha256 hex)."""
    digest = hashlib.sha256()
    size = 0
    while block := source.read(BLOCK_BYTES):
        digest.update(block)
        if target is not None:
            target.write(block)
        size += len(block)
    return size, digest.hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of the file at `path`."""
    with open(path, "rb") as source:
        return copy_hashing(source, None)


class _HashingReader(io.RawIOBase):
    """Reads at most `size` bytes of `source`, hashing them: what tarfile copies a member from."""

    def __init__(self, source: BinaryIO, size: int):
        super().__init__()
        self._source, self._left, self.digest = source, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self._left if n is None or n < 0 else min(n, self._left)
        block = self._source.read(n)
        self._left -= len(block)
        self.digest.update(block)
        return block


class BackupWriter:
    """Writes one backup to `final` (a folder or an archive, `container` as `container_of` says).

    `workspace` is a folder where a file may be produced in place (the database dump) before `add_produced`
    takes it in; `add_stream` copies an open file in, `add_bytes` a small one. `commit()` makes the backup
    appear under its final name; `abort()` removes what was written. Raises BackupError when `final` exists.
    """

    def __init__(self, final: Path, container: str):
        self.final = final.resolve()
        self.container = container
        if self.final.exists() and (container != "dir" or not self.final.is_dir() or any(self.final.iterdir())):
            raise BackupError(f"{self.final} already exists: a backup never overwrites one; name another.")
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self.final.with_name(f".{self.final.name}.partial")
        self._tar: tarfile.TarFile | None = None
        if container == "dir":
            self._partial.mkdir()
            self.workspace = self._partial
        else:
            self.workspace = Path(tempfile.mkdtemp(prefix=".slate-backup-", dir=self.final.parent))
            mode = "w:gz" if container == "tar.gz" else "w"
            options = {"compresslevel": GZIP_LEVEL} if container == "tar.gz" else {}
            self._tar = tarfile.open(self._partial, mode, format=tarfile.PAX_FORMAT, **options)

    def add_stream(self, name: str, source: BinaryIO) -> tuple[int, str]:
        """Copy the open file `source` in as `name` ("/"-separated); returns (bytes, sha256 hex).

        Into an archive the size is taken when the copy starts: bytes appended after that are left out, and a
        file that shrinks meanwhile raises OSError.
        """
        if self._tar is None:
            target = self.workspace / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                copied = copy_hashing(source, out)
                out.flush()
                os.fsync(out.fileno())
            return copied
        size = os.fstat(source.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, FILE_MODE, int(os.fstat(source.fileno()).st_mtime)
        reader = _HashingReader(source, size)
        self._tar.addfile(info, reader)
        return size, reader.digest.hexdigest()

    def add_bytes(self, name: str, data: bytes) -> None:
        """Write the small file `name` with `data`."""
        if self._tar is None:
            self.add_stream(name, io.BytesIO(data))
            return
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), FILE_MODE, int(time.time())
        self._tar.addfile(info, io.BytesIO(data))

    def add_produced(self, name: str) -> tuple[int, str]:
        """Take in the file `workspace / name` made in place; returns (bytes, sha256 hex)."""
        path = self.workspace / name
        with open(path, "rb") as source:
            copied = self.add_stream(name, source) if self._tar is not None else copy_hashing(source, None)
        if self._tar is not None:
            path.unlink()
        return copied

    def commit(self) -> Path:
        """Close the backup and rename it to its final name; returns that path."""
        if self._tar is not None:
            self._tar.close()
            with open(self._partial, "rb") as done:
                os.fsync(done.fileno())
            shutil.rmtree(self.workspace, ignore_errors=True)
        os.replace(self._partial, self.final)
        return self.final

    def abort(self) -> None:
        """Remove everything written so far (the partial backup and the workspace)."""
        if self._tar is not None:
            with contextlib.suppress(Exception):
                self._tar.close()
            shutil.rmtree(self.workspace, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                self._partial.unlink()
        else:
            shutil.rmtree(self._partial, ignore_errors=True)


@contextlib.contextmanager
def opened_backup(path: Path, *, staging_parent: Path) -> Iterator[tuple[Path, bool]]:
    """The backup at `path` as a folder: yields (folder, movable).

    A folder backup is used where it is (`movable` False: its files must be copied, never moved); an archive
    is unpacked into a temporary folder under `staging_parent` (same file system as MEDIA_ROOT, so the
    media files can be moved into place: `movable` True), removed afterwards. Unpacking refuses links,
    absolute names and `..` (tarfile's "data" filter). Raises BackupError when `path` is missing.
    """
    path = path.resolve()
    if not path.exists():
        raise BackupError(f"No backup at {path}.")
    if path.is_dir():
        yield path, False
        return
    try:
        staging_parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".slate-restore-", dir=staging_parent))
    except OSError:
        staging = Path(tempfile.mkdtemp(prefix="slate-restore-"))
    try:
        try:
            with tarfile.open(path, "r:*") as archive:
                archive.extractall(staging, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{path} is not a readable backup archive: {exc}") from None
        yield staging, True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
