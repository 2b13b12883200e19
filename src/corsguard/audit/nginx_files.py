"""Opening configuration files safely: regular files only, and bounded in size.

A path handed to the audit, or named by an ``include``, may be a FIFO (opening it blocks until
a writer comes), a device (``/dev/zero`` never ends) or a socket: ``os.stat`` says what it is
before anything is opened, and only regular files are read. What is read is bounded per file
and in total, so an include that pulls in something huge fails with a message, not by running
out of memory.
"""

from __future__ import annotations

import os
import stat

from corsguard.audit.nginx import NginxConfigError

MIB = 1024 * 1024
# A large generated nginx.conf (60,000 locations) is about 4 MiB.
MAX_FILE_BYTES = 16 * MIB
MAX_TOTAL_BYTES = 64 * MIB

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class FileBudget:
    """Reads configuration files, refusing what is not a regular file or is too large."""

    def __init__(self, per_file: int = MAX_FILE_BYTES, total: int = MAX_TOTAL_BYTES) -> None:
        self.per_file = per_file
        self.total = total
        self.used = 0

    def read(self, path: str) -> str:
        try:
            info = os.stat(path)
        except OSError as error:
            raise NginxConfigError(f"{path}: cannot read: {error.strerror or error}") from None
        check_regular(path, info.st_mode)
        if info.st_size > self.per_file:
            raise NginxConfigError(
                f"{path}: {_size(info.st_size)} is over the {_size(self.per_file)} limit for one "
                "configuration file; nginx configurations are kilobytes, so check that this is "
                "the right file."
            )
        # O_NONBLOCK: if the file was swapped for a FIFO since the stat, open does not wait.
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as error:
            raise NginxConfigError(f"{path}: cannot read: {error.strerror or error}") from None
        with os.fdopen(descriptor, "rb") as handle:
            check_regular(path, os.fstat(handle.fileno()).st_mode)
            # One byte over the limit tells a file that grew since the stat.
            data = handle.read(self.per_file + 1)
        if len(data) > self.per_file:
            raise NginxConfigError(
                f"{path}: over the {_size(self.per_file)} limit for one configuration file"
            )
        self.used += len(data)
        if self.used > self.total:
            raise NginxConfigError(
                f"{path}: the configuration and its includes are over {_size(self.total)} in "
                "all; audit a smaller part (one site's file) instead."
            )
        return data.decode("utf-8", errors="replace")


def check_regular(path: str, mode: int) -> None:
    """Refuse anything but a regular file, naming what it is."""
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NginxConfigError(
        f"{path}: is {kind}, not a configuration file; only regular files are read."
    )


def is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_start(path: str, limit: int) -> bytes | None:
    """The first ``limit`` bytes of a regular file, or None for anything else or an error."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        try:
            return handle.read(limit)
        except OSError:
            return None


def _size(count: int) -> str:
    return f"{count / MIB:.0f} MiB" if count >= MIB else f"{count:,} bytes"
