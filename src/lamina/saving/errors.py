"""The errors that loading a file raises, so callers can tell a bad file from a bug.

Both are ``ValueError`` subclasses: code written against Keras, which raises ``ValueError``
for bad files, keeps working.
"""

from __future__ import annotations


class SavedFileError(ValueError):
    """A model, weights or config file that cannot be loaded: damaged, truncated, not in a
    format Lamina reads, or describing a model that does not fit the one given."""


class UnsafeFileError(SavedFileError):
    """A file refused because loading it would reach outside it: an HDF5 dataset stored in
    another file, a link leaving the file, serialized code, a class outside the allow-list,
    an archive member whose path escapes its folder.

    ``object_path`` names the refused object inside the file (an HDF5 path, an archive
    member) and ``reason`` says why, when the refusal is about one object; both are None
    otherwise.
    """

    def __init__(self, message: str, object_path: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.object_path = object_path
        self.reason = reason


__all__ = ["SavedFileError", "UnsafeFileError"]
