"""The staff PIN: checked against a slow hash kept in the instance folder,
never the PIN itself.

The file holds one line, `scrypt$N$r$p$<salt>$<hash>` (salt and hash in
base64), so the cost can be raised later without breaking a stored PIN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..files import write_atomically

FILE_NAME = "staff_pin"
MIN_DIGITS = 6
# A limit on what is hashed, not a hint: nobody types more.
MAX_DIGITS = 64
PIN = re.compile(r"[0-9]+", flags=re.ASCII)

# scrypt at N=2**14, r=8, p=1 (the parameters RFC 7914 gives for interactive
# log-ins): about 50 ms and 16 MiB per try, so a stolen file costs an
# attacker dearly for each guess while a staff member does not notice.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
# What a stored line may ask for: a hand-edited N of 2**30 would need 1 TiB.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16
MAX_MEMORY = 2**31


class PinFileError(ValueError):
    """The stored PIN file cannot be read or is not one this kiosk wrote."""


def well_formed(pin: str) -> bool:
    """Whether `pin` is a PIN at all: 6 to 64 digits, nothing else."""
    return MIN_DIGITS <= len(pin) <= MAX_DIGITS and PIN.fullmatch(pin) is not None


def path_in(instance_path: str | os.PathLike) -> Path:
    return Path(instance_path) / FILE_NAME


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The line to store for `pin`, with a new random salt."""
    if not well_formed(pin):
        raise ValueError(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, N, R, P, HASH_BYTES)
    return "$".join(("scrypt", str(N), str(R), str(P), _b64(salt), _b64(digest)))


def verify(pin: str, stored: str) -> bool:
    """Whether `pin` matches the stored line (in constant time)."""
    n, r, p, salt, digest = _parse(stored)
    if not well_formed(pin):
        return False
    return hmac.compare_digest(_scrypt(pin, salt, n, r, p, len(digest)), digest)


def save(instance_path: str | os.PathLike, pin: str) -> Path:
    """Store the hash of `pin` (not the PIN) in the instance folder, 0600."""
    path = path_in(instance_path)
    write_atomically(path, (hash_pin(pin) + "\n").encode("ascii"))
    return path


def load(instance_path: str | os.PathLike) -> str | None:
    """The stored line, or None when no PIN is set; PinFileError when the
    file is there but is no PIN this kiosk wrote (the staff screen then asks
    for `kiosk set-pin` again rather than let anyone in)."""
    path = path_in(instance_path)
    try:
        stored = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise PinFileError(f"{path} cannot be read: {error}") from error
    try:
        _parse(stored)
    except PinFileError as error:
        raise PinFileError(f"{path}: {error}") from error
    return stored


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinFileError("not a line of the form scrypt$N$r$p$salt$hash")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, digest = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError as error:
        raise PinFileError(f"unreadable parameters ({error})") from error
    if not (2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
        raise PinFileError(f"scrypt parameters out of range: N={n}, r={r}, p={p}")
    if 128 * n * r * p > MAX_MEMORY:
        raise PinFileError("scrypt parameters would need too much memory")
    if len(salt) < 8 or len(digest) < 16:
        raise PinFileError("salt or hash too short")
    return n, r, p, salt, digest


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses anything over 32 MiB unless told: allow what N and r need.
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=128 * n * r * (p + 1) + 2**20,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
