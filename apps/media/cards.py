"""Camera-card ZIPs: the central directory checked before a byte is unpacked, and entries copied out safely.

`card_check` looks at the whole central directory first: entry count, declared total size and
compression ratio (per entry and overall) against SLATE_ZIP_MAX_ENTRIES, SLATE_ZIP_MAX_TOTAL_BYTES
and SLATE_ZIP_MAX_RATIO; no absolute names, `..`, drive letters or backslashes, no symbolic links
or other special files, no encrypted entries (ZIP format: PKWARE APPNOTE.TXT 4.4.4 general purpose
bit 0, 4.4.15 external attributes with the Unix mode in the high 16 bits). `extract_entry` then
copies an entry in 1 MiB blocks counting the real bytes (a declared size is never trusted). No
database: the card-ingest job that records the clips is apps.media.services.ingest.media_ingest_card.
"""
from __future__ import annotations

import hashlib
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.core.uploads import human_size
from apps.media.storage import BLOCK_BYTES

RATIO_FLOOR_BYTES = 64 * 1024  # below this an entry's ratio says little (a small sidecar XML compresses well)
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini", ".Spotlight-V100", ".Trashes", ".fseventsd"}
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class CardPlan:
    """What `card_check` found: the file entries to unpack, and how many directories and OS files it ignores."""

    entries: list[zipfile.ZipInfo] = field(default_factory=list)
    ignored: int = 0
    declared_bytes: int = 0


def shown_name(name: str) -> str:
    """An entry name safe to put in a message: control characters replaced, at most 120 characters."""
    text = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in name)
    return text if len(text) <= 120 else text[:117] + "…"


def unsafe(message: str) -> ApplicationError:
    """The 400 `zip_unsafe` error for a card that is refused before anything is unpacked."""
    return ApplicationError(message, code="zip_unsafe")


def _is_junk(parts: tuple[str, ...]) -> bool:
    return parts[0] == "__MACOSX" or parts[-1].startswith("._") or any(p in JUNK_FILES for p in parts)


def _check_name(name: str) -> tuple[str, ...]:
    """The path components of an entry name, or `zip_unsafe` when the name could escape the card folder."""
    shown = shown_name(name)
    if not name or not name.strip("/"):
        raise unsafe("An entry of the card has no name.")
    if "\\" in name:
        raise unsafe(f"Entry {shown} uses a backslash in its path.")
    if name.startswith("/"):
        raise unsafe(f"Entry {shown} has an absolute path.")
    if _DRIVE.match(name):
        raise unsafe(f"Entry {shown} names a drive letter.")
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if ".." in parts:
        raise unsafe(f"Entry {shown} escapes the card folder.")
    return parts


def card_check(path: str | Path) -> CardPlan:
    """Check a camera-card ZIP's central directory before anything is unpacked.

    Returns the `CardPlan` (file entries to unpack, in archive order; directories and OS files
    such as __MACOSX/, ._*, .DS_Store, Thumbs.db ignored). Raises `ApplicationError` 400 `zip_unsafe`
    naming the first problem: unreadable archive, more than SLATE_ZIP_MAX_ENTRIES entries, more than
    SLATE_ZIP_MAX_TOTAL_BYTES declared in all, a ratio (declared ÷ packed size) above SLATE_ZIP_MAX_RATIO
    for an entry of at least 64 KiB or for the whole card, a name that is absolute, has `..`, a drive
    letter or a backslash, a symbolic link or other non-regular file, an encrypted entry.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise unsafe(f"The card's ZIP cannot be read: {exc}.") from None
    limit_entries = settings.SLATE_ZIP_MAX_ENTRIES
    if len(infos) > limit_entries:
        raise unsafe(f"The card has {len(infos)} entries; at most {limit_entries} are accepted.")
    plan = CardPlan()
    packed = 0
    for info in infos:
        parts = _check_name(info.filename)
        shown = shown_name(info.filename)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise unsafe(f"Entry {shown} is a symbolic link.")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise unsafe(f"Entry {shown} is not a regular file.")
        if info.flag_bits & 0x1:
            raise unsafe(f"Entry {shown} is encrypted.")
        if info.is_dir() or kind == stat.S_IFDIR:
            plan.ignored += 1
            continue
        ratio_limit = settings.SLATE_ZIP_MAX_RATIO
        if info.file_size >= RATIO_FLOOR_BYTES and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise unsafe(f"Entry {shown} would unpack to {info.file_size / max(info.compress_size, 1):.0f} times its packed size "
                         f"(at most {ratio_limit:g} is accepted).")
        plan.declared_bytes += info.file_size
        packed += info.compress_size
        if _is_junk(parts):
            plan.ignored += 1
            continue
        plan.entries.append(info)
    if plan.declared_bytes > settings.SLATE_ZIP_MAX_TOTAL_BYTES:
        raise unsafe(f"The card would unpack to {human_size(plan.declared_bytes)}; "
                     f"at most {human_size(settings.SLATE_ZIP_MAX_TOTAL_BYTES)} is accepted.")
    if plan.declared_bytes >= RATIO_FLOOR_BYTES and plan.declared_bytes > settings.SLATE_ZIP_MAX_RATIO * max(packed, 1):
        raise unsafe(f"The card would unpack to {plan.declared_bytes / max(packed, 1):.0f} times its packed size "
                     f"(at most {settings.SLATE_ZIP_MAX_RATIO:g} is accepted).")
    return plan


def extract_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> str:
    """Copy one entry to `dest` in 1 MiB blocks, counting real bytes; its SHA-256 hex.

    Raises `ApplicationError` when the entry holds more or fewer bytes than declared, or is damaged (CRC).
    """
    digest = hashlib.sha256()
    written = 0
    shown = shown_name(info.filename)
    try:
        with archive.open(info) as source, open(dest, "xb") as out:
            while block := source.read(BLOCK_BYTES):
                written += len(block)
                if written > info.file_size:
                    raise ApplicationError(f"Entry {shown} holds more bytes than the card declares for it.")
                digest.update(block)
                out.write(block)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise ApplicationError(f"Entry {shown} cannot be unpacked: {exc}.") from None
    if written != info.file_size:
        raise ApplicationError(f"Entry {shown} holds {written} bytes but the card declares {info.file_size}.")
    return digest.hexdigest()
