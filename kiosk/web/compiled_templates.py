"""Templates compiled once, kept in the instance folder, and loaded from there after a restart.

Why (issue 28, a page right after a restart): Jinja compiles a template the first time a page
uses it, and the section page's ten templates took three quarters of its first render (profiled:
1.1 of 1.5 s under load). After a restart that first render is a patient's request, beside the
crawl of every page (kiosk/jobs/crawl.py), which compiles the same templates at the same moment.
Jinja's own bytecode cache keeps the compiled code, keyed by the template's name and a hash of
its source, so an edited template is compiled again and never served stale.

The trap: Jinja writes the cache file inside the render. On a full or read-only disk that write
raises, and every page not rendered yet would fail with it. A cache that cannot be written is
no reason for a page to fail: the template is simply compiled again next time.
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

log = logging.getLogger(__name__)

FOLDER = "compiled-templates"  # in the instance folder


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, which never fails a render."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:  # unreadable (Jinja itself resets a bucket cut short or stale)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            log.warning("a compiled template could not be kept (%s); it is compiled again after a restart",
                        error.strerror or error)


def init_app(app: Flask) -> None:
    if app.jinja_env.bytecode_cache is not None:
        return  # one given through Flask.jinja_options (the tests share one across their apps)
    folder = os.path.join(app.instance_path, FOLDER)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        pass  # a read-only instance folder: each write then fails quietly, as above
    app.jinja_env.bytecode_cache = CompiledTemplates(folder)
