"""An export served by Debian's nginx with the shipped config, on a free loopback port.

No system nginx service is used or needed: the test starts its own master
process (`nginx -p <tmp> -c <tmp>/nginx.conf`, daemon off), with its error log,
pid and temporary folders in the test's folder, and stops it after.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from kiosk import ROOT

from helpers import free_port

NGINX = Path("/usr/sbin/nginx")
SHIPPED = ROOT / "deploy" / "nginx" / "kiosk-export.conf"


def site_config(root: Path, port: int, shipped: str | None = None) -> str:
    """The shipped server block with its two marked lines (PORT, ROOT) filled in."""
    text = SHIPPED.read_text() if shipped is None else shipped
    text, listens = re.subn(r"(?m)^(\s*)listen [^;]*;.*$", rf"\g<1>listen 127.0.0.1:{port};", text)
    text, roots = re.subn(r"(?m)^(\s*)root [^;]*;.*$", rf"\g<1>root {root};", text)
    assert (listens, roots) == (1, 1), "the shipped config should have one listen and one root line"
    return text


@contextmanager
def nginx_serving(root: Path, prefix: Path):
    """Serve the export `root` with nginx and the shipped config; yields the base URL."""
    assert NGINX.is_file(), "nginx is missing: run scripts/setup.sh --test (it installs Debian's nginx)"
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (prefix / "site.conf").write_text(site_config(root, port))
    # When the tests run as root, nginx's workers would drop to nobody, who
    # cannot read pytest's private temporary folders: keep them as this user
    # (ignored, with a notice in the error log, when not root).
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    temp = "\n".join(f"    {name}_temp_path {prefix / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        f"user {user} {group};\nworker_processes 1;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n{temp}\n    include {prefix / 'site.conf'};\n}}\n"
    )
    error_log = prefix / "error.log"
    process = subprocess.Popen(
        [str(NGINX), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(error_log),
         "-g", f"daemon off; pid {prefix / 'nginx.pid'};"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}{_tail(error_log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not listen on port {port}{_tail(error_log)}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is being sent, then exit
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def _tail(log: Path) -> str:
    return "\n" + log.read_text()[-2000:] if log.exists() else ""
