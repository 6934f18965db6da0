"""Saving and safely loading model artifacts.

An artifact is one ``.npz`` file (numpy's zip of plain arrays) holding the
vocabulary, the weights, the calibration and a JSON metadata record. It is read
with ``allow_pickle=False``: loading never executes code, whatever the file holds.
The default model shipped in the package is also checked against its pinned
SHA-256 digest, so a damaged install is reported instead of silently mis-scoring.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import warnings
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .errors import ModelError, ModelNotFoundError
from .model import LinearTriageModel

__all__ = ["DEFAULT_MODEL_NAME", "default_model", "load_model", "save_model"]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "socialcare-model.npz"
_FORMAT = "socialcare-linear/1"
_ARRAYS = ("terms", "idf", "coef", "intercept", "platt", "thresholds", "cue_scale", "metadata")


def _encode(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def save_model(model: LinearTriageModel, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` as a compressed ``.npz`` artifact and return the path."""
    if any("\n" in t for t in model.terms):
        raise ModelError("a vocabulary term contains a newline; the artifact format cannot store it")
    metadata = {**model.metadata, "format": _FORMAT, "library_version": __version__}
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        terms=_encode("\n".join(model.terms)),
        idf=model.idf,
        coef=model.coef,
        intercept=model.intercept,
        platt=model.platt,
        thresholds=model.thresholds,
        cue_scale=np.array([model.cue_scale]),
        metadata=_encode(json.dumps(metadata, sort_keys=True, ensure_ascii=False)),
    )
    target = Path(path)
    target.write_bytes(buffer.getvalue())
    return target


def _read(data: bytes, where: str) -> LinearTriageModel:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            missing = [k for k in _ARRAYS if k not in npz.files]
            if missing:
                raise ModelError(
                    f"{where} is not a socialcare model: arrays {missing} are missing; "
                    "rebuild it with `socialcare train`"
                )
            arrays = {k: npz[k] for k in _ARRAYS}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(
            f"{where} cannot be read as a socialcare model ({exc}); it is not a numpy .npz "
            "artifact or it contains objects, which are never loaded; rebuild it with `socialcare train`"
        ) from None
    try:
        metadata: dict[str, Any] = json.loads(arrays["metadata"].tobytes().decode("utf-8"))
        terms = arrays["terms"].tobytes().decode("utf-8").split("\n")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{where} has corrupt metadata or vocabulary ({exc})") from None
    if metadata.get("format") != _FORMAT:
        raise ModelError(f"{where} has format {metadata.get('format')!r}; this library reads {_FORMAT!r}")
    saved = metadata.get("library_version")
    if saved != __version__:
        warnings.warn(
            f"model {where} was built with socialcare {saved}, this is {__version__}; "
            "scores may differ from those it was evaluated with",
            UserWarning,
            stacklevel=3,
        )
    try:
        return LinearTriageModel(
            terms,
            arrays["idf"],
            arrays["coef"],
            arrays["intercept"],
            arrays["platt"],
            arrays["thresholds"],
            metadata,
            cue_scale=float(arrays["cue_scale"][0]),
        )
    except ValueError as exc:
        raise ModelError(f"{where} is inconsistent: {exc}") from None


def load_model(path: str | os.PathLike[str]) -> LinearTriageModel:
    """Load a model artifact written by :func:`save_model`.

    Raises :class:`~socialcare.errors.ModelNotFoundError` when ``path`` does not exist
    and :class:`~socialcare.errors.ModelError` when it is not a valid artifact (for
    instance a pickle or joblib file: those are refused, never unpickled).
    """
    p = Path(path)
    if not p.is_file():
        raise ModelNotFoundError(
            f"no model file at {str(p)!r}; pass the path of a .npz artifact from `socialcare train`"
        )
    return _read(p.read_bytes(), str(p))


@functools.cache
def default_model() -> LinearTriageModel:
    """The model shipped inside the package, loaded once and verified by its pinned digest."""
    folder = resources.files("socialcare.models")
    artifact = folder.joinpath(DEFAULT_MODEL_NAME)
    if not artifact.is_file():
        raise ModelNotFoundError(
            f"the bundled model {DEFAULT_MODEL_NAME} is missing from the socialcare package; "
            "reinstall socialcare, or run `socialcare train` in a source checkout"
        )
    data = artifact.read_bytes()
    pinned = folder.joinpath(DEFAULT_MODEL_NAME + ".sha256").read_text("utf-8").split()[0]
    digest = hashlib.sha256(data).hexdigest()
    if digest != pinned:
        raise ModelError(
            f"the bundled model's SHA-256 is {digest}, but the package pins {pinned}; "
            "the installation is damaged: reinstall socialcare"
        )
    logger.debug("loaded bundled model (%d bytes)", len(data))
    return _read(data, DEFAULT_MODEL_NAME)
