"""Private files: a directory outside the static and media paths, for what must not be
public (the bodies' attachments, uploaded import files).

Nothing in it has a URL; files leave only through a view that checks access.
PRIVATE_FILES_ROOT may point elsewhere; by default it is `private` next to MEDIA_ROOT
(var/private beside var/media).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_files_root() -> Path:
    configured = getattr(settings, "PRIVATE_FILES_ROOT", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"


class PrivateFileStorage(FileSystemStorage):
    """File system storage whose location follows the settings at every access, so tests
    can move it, and which refuses to make URLs."""

    @property
    def base_location(self):
        return private_files_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view.")


_storage = PrivateFileStorage()


def private_files() -> PrivateFileStorage:
    return _storage
