"""Files (staff settings, the PIN, the cut fonts, the clips), written so that a crash
or a full disk never leaves half of one behind, and a reader never sees one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, data: bytes, *, mode: int = 0o600) -> None:
    """Replace `path` with `data` all at once, with permissions `mode` (by default its owner's only).

    The bytes go to a temporary file in the same folder (mkstemp creates it
    0600, so a secret is never readable by others, not even for a moment),
    are flushed to the disk with fsync, and then os.replace swaps the file in:
    a reader sees the old file or the new one, never a torn one, even if the
    power goes mid-write.

    The trap for public files (mode 0o644, the fonts): `sudo scripts/setup.sh`
    writes them as root while the kiosk runs as its own user, which could not
    read a 0600 file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            if mode != 0o600:
                os.fchmod(file.fileno(), mode)
        replace_durably(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_durably(written: str | os.PathLike, path: str | os.PathLike) -> None:
    """Make the whole file `written` durable, then rename it to `path` (same folder or disk).

    A kiosk loses power: without the fsync first, the rename can survive a crash that the
    data does not, and leave a file of the right name full of nothing.
    """
    with open(written, "rb") as file:
        os.fsync(file.fileno())
    os.replace(written, path)
    _sync_folder(Path(path).parent)


def _sync_folder(folder: Path) -> None:
    """fsync the folder too, so the rename itself survives a power cut (POSIX;
    Windows cannot open a folder as a file, and NTFS journals the rename)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
