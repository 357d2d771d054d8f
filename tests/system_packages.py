"""Debian packages the test command needs (PostgreSQL, libfaketime), installed when missing.

Only as root with apt-get (CI, a fresh machine); otherwise the caller says what to install.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys


class Missing(Exception):
    """A package the tests need is not installed and cannot be installed here."""


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(package: str, *, why: str, quiet: bool = False) -> None:
    """``apt-get update && apt-get install PACKAGE``, or Missing naming what to do."""
    apt_get = shutil.which("apt-get")
    if not (is_root() and apt_get):
        raise Missing(f"the Debian package '{package}' is needed {why}: install it by hand")
    print(f"installing {package} {why}: apt-get install {package}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    output = subprocess.DEVNULL if quiet else None
    for command in (
        [apt_get, "-q", "update"],
        [apt_get, "-q", "install", "-y", "--no-install-recommends", package],
    ):
        done = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
        if done.returncode != 0:
            raise Missing(
                f"`{shlex.join(command)}` failed with exit code {done.returncode}; "
                f"install the '{package}' package by hand"
            )
