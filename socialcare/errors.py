"""The one exception tree of socialcare.

Every error the library raises belongs to it, and each member also inherits the
matching builtin, so ``except ValueError`` keeps working::

    SocialCareError
    ├── InputError (ValueError)            a value or option is not acceptable
    │   └── InputTypeError (TypeError)     a value has the wrong type
    ├── ArchiveError (ValueError)          an input archive cannot be read as asked
    │   └── ColumnNotFoundError (KeyError) a named column is absent
    ├── ModelError (RuntimeError)          a model artifact is missing, corrupt or unsafe
    │   └── ModelNotFoundError (FileNotFoundError)
    ├── ConfigError (ValueError)           a configuration value or file is invalid
    └── DataError (ValueError)             training or evaluation data is missing or malformed

Messages say what was wrong, what was received and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "ColumnNotFoundError",
    "ConfigError",
    "DataError",
    "InputError",
    "InputTypeError",
    "ModelError",
    "ModelNotFoundError",
    "SocialCareError",
    "UnknownPostError",
]


class SocialCareError(Exception):
    """Base class of every error raised by socialcare."""


class InputError(SocialCareError, ValueError):
    """A value passed to the library is not acceptable."""


class InputTypeError(InputError, TypeError):
    """A value passed to the library has the wrong type."""


class ArchiveError(SocialCareError, ValueError):
    """An archive file cannot be read or written as asked."""


class ColumnNotFoundError(ArchiveError, KeyError):
    """A column named by the caller is not in the table."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class ModelError(SocialCareError, RuntimeError):
    """A model artifact is missing, corrupt, incompatible or untrusted."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """A model artifact does not exist at the given path."""


class ConfigError(SocialCareError, ValueError):
    """A configuration value or file is invalid."""


class DataError(SocialCareError, ValueError):
    """Training or evaluation data is missing or malformed."""


class UnknownPostError(SocialCareError, KeyError):
    """An id names no post that is waiting or being answered (e.g. in an :class:`~socialcare.inbox.Inbox`)."""
