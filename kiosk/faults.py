"""Start-up faults that the clinic's IT person can put right, told in one or two plain lines.

A kiosk that cannot start is met by someone reading `systemctl status` or a terminal, not
a developer: a 30-65 line traceback hid the one line that mattered, or left out what
mattered (a missing leaflets folder was reported as an empty one). `explain` turns each
known fault into what is wrong, where (file:line:column for a leaflet), and what to do;
`kiosk --debug` keeps the traceback. Anything it does not know is a bug, and keeps its
traceback too.
"""

from __future__ import annotations

import errno
import getpass
import traceback
from pathlib import Path

from .content import ContentError, LeftOut, NothingToServe
from .web.vendor import AssetsMissing

# The kiosk's own code: a SyntaxError or NameError in here is a bug, not a site's setting.
PACKAGE = Path(__file__).resolve().parent

# The errors of a file the kiosk could not read or write (an instance folder owned by
# root after `sudo kiosk set-pin`, a read-only mount, a full disk).
FILE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC}


def explain(error: BaseException) -> list[str] | None:
    """One or two lines for a fault an IT person can fix, or None for anything else."""
    if isinstance(error, ContentError):
        return _leaflet(error)
    if isinstance(error, AssetsMissing):
        return [f"htmx and the fonts are missing from {error.folder} ({len(error.missing)} files, "
                f"{error.missing[0]} first).",
                "Run `npm ci` in the kiosk's folder (scripts/setup.sh does), or set NODE_MODULES to where they are."]
    config = _config_file_frame(error)
    if config is not None:
        return config
    if isinstance(error, OSError) and error.errno in FILE_ERRORS and error.filename:
        return _file(error)
    return None


def _leaflet(error: ContentError) -> list[str]:
    source = Path(error.source)
    if error.reason == "the leaflets folder does not exist":
        return [f"the leaflets folder {source} does not exist.",
                "Set LEAFLETS_DIR in the instance folder's config.py (or KIOSK_LEAFLETS_DIR) to the folder "
                "that holds the leaflet files (*.toml)."]
    if source.is_dir():
        return [f"the leaflets folder {source} has no leaflet files (*.toml).",
                "Copy the leaflets into it (the kiosk ships them in its leaflets/ folder), "
                "or set LEAFLETS_DIR to the folder that has them."]
    # Said as the kiosk says a file it leaves out when others can be served (kiosk/content/).
    left_out = LeftOut.of(error)
    more = len(left_out.problems) - 1
    also = f" ({more} more: kiosk leaflet check {source} lists them all)" if more else ""
    if isinstance(error, NothingToServe) and error.files > 1:
        # Else IT mends this file, and the kiosk starts without the others, quietly to them.
        return [f"{left_out}.{also}",
                f"None of the {error.files} leaflet files in {source.parent} can be served: run "
                f"`kiosk leaflet check {source.parent}` for every problem, correct them, and start the kiosk again."]
    return [f"{left_out}.{also}",
            f"Correct the leaflet file, or move it out of {source.parent}, and start the kiosk again."]


def _config_file_frame(error: BaseException) -> list[str] | None:
    """A site's config.py that does not run: a syntax error, or an error raised in it."""
    if isinstance(error, SyntaxError) and error.filename and not _ours(error.filename):
        place = f"{error.filename}:{error.lineno}" + (f":{error.offset}" if error.offset else "")
        return [f"{place}: {error.msg} (a Python syntax error in the kiosk's settings).",
                "Correct that line, or move the file away to start with the default settings."]
    frames = traceback.extract_tb(error.__traceback__)
    # from_pyfile runs the file through exec(compile(..., filename)): its own frame is a
    # "<module>" with its name (Flask's own config.py is no such frame).
    theirs = [frame for frame in frames
              if frame.name == "<module>" and Path(frame.filename).name == "config.py" and not _ours(frame.filename)]
    if not theirs:
        return None
    frame = theirs[-1]
    return [f"{frame.filename}:{frame.lineno}: {type(error).__name__}: {error} (in the kiosk's settings).",
            "Correct that line, or move the file away to start with the default settings."]


def _file(error: OSError) -> list[str]:
    path = Path(error.filename)
    folder = path.parent
    user = getpass.getuser()
    # A file being made (write_atomically's ".secret_key.x1y2.tmp") means nothing to IT: its folder does.
    made = path.name.startswith(".") and path.name.endswith(".tmp")
    where = f"cannot write in {folder}" if made else path
    problem = f"{where}: {error.strerror} (the kiosk runs as the user {user})."
    if error.errno == errno.EROFS:
        return [problem, f"{folder} is on a read-only file system: mount it read-write, or set "
                         "KIOSK_INSTANCE_PATH to a folder the kiosk can write."]
    if error.errno == errno.ENOSPC:
        return [problem, f"Free some space on the disk that holds {folder}."]
    return [problem, f"Make the folder and its files the kiosk user's: sudo chown -R {user}: {folder}"]


def _ours(filename: str) -> bool:
    return PACKAGE in Path(filename).resolve().parents
