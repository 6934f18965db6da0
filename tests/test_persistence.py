"""Artifacts round-trip, and loading never executes code from a file."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import socialcare
from socialcare import ModelError, ModelNotFoundError
from socialcare.persistence import load_model, save_model


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import pathlib

        return (pathlib.Path.touch, (self.marker,))


def test_round_trip_keeps_every_array_and_the_metadata(triage, tmp_path: Path) -> None:
    path = save_model(triage.model, tmp_path / "m.npz")
    loaded = load_model(path)
    assert loaded.terms == triage.model.terms
    for name in ("idf", "coef", "intercept", "platt", "thresholds"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(triage.model, name))
    assert loaded.metadata["library_version"] == socialcare.__version__
    assert loaded.metadata["labels"] == triage.model.metadata["labels"]


@pytest.mark.parametrize("suffix", [".npz", ".joblib", ".pkl"])
def test_a_pickle_that_would_run_code_is_refused_and_never_runs(tmp_path: Path, suffix: str) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / f"evil{suffix}"
    evil.write_bytes(pickle.dumps(_Exploit(marker)))
    with pytest.raises(ModelError, match="cannot be read as a socialcare model"):
        load_model(evil)
    with pytest.raises(ModelError):
        socialcare.Triage(evil)
    assert not marker.exists()


def test_an_npz_holding_a_pickled_object_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    np.savez(evil, terms=np.array([_Exploit(marker)], dtype=object), idf=np.zeros(1))
    with pytest.raises(ModelError):
        load_model(evil)
    assert not marker.exists()


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no model file"):
        load_model(tmp_path / "nope.npz")


def test_a_model_from_another_version_warns(triage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socialcare.persistence.__version__", "0.0.1")
    path = save_model(triage.model, tmp_path / "old.npz")
    monkeypatch.undo()
    with pytest.warns(UserWarning, match="built with socialcare 0.0.1"):
        load_model(path)


def test_the_bundled_model_matches_its_pinned_digest() -> None:
    import hashlib
    from importlib import resources

    folder = resources.files("socialcare.models")
    data = folder.joinpath("socialcare-model.npz").read_bytes()
    pinned = folder.joinpath("socialcare-model.npz.sha256").read_text().split()[0]
    assert hashlib.sha256(data).hexdigest() == pinned


def test_a_damaged_bundled_model_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from socialcare import persistence

    class Folder:
        def joinpath(self, name: str):
            path = tmp_path / name
            if name.endswith(".sha256"):
                path.write_text("0" * 64)
            else:
                path.write_bytes(b"not the model")
            return path

    monkeypatch.setattr(persistence.resources, "files", lambda _: Folder())
    persistence.default_model.cache_clear()
    try:
        with pytest.raises(ModelError, match="installation is damaged"):
            persistence.default_model()
    finally:
        monkeypatch.undo()
        persistence.default_model.cache_clear()
