"""Where the bodies' attachments live: the private file storage of common.storage. This
module stays because migration 0003 names `workgroups.storage.private_files`."""

from common.storage import PrivateFileStorage, private_files, private_files_root

__all__ = ["PrivateFileStorage", "private_files", "private_files_root"]
