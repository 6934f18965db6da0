"""Training rebuilds the same artifact from the same data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socialcare import Triage
from socialcare.persistence import load_model, save_model
from socialcare.training import TrainingConfig, train_model

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def small_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    config = TrainingConfig(limit=500, folds=3, max_features=20_000)
    out = tmp_path_factory.mktemp("models")
    first = save_model(train_model(DATA, config), out / "a.npz")
    second = save_model(train_model(DATA, config), out / "b.npz")
    return first, second


def test_training_twice_gives_byte_identical_artifacts(small_models: tuple[Path, Path]) -> None:
    first, second = small_models
    assert first.read_bytes() == second.read_bytes()


def test_a_trained_model_loads_scores_and_carries_metadata(small_models: tuple[Path, Path]) -> None:
    model = load_model(small_models[0])
    assert model.metadata["training_rows"]["flags"] == 500
    assert set(model.metadata["cross_validation"]) == {"negative", "escalation", "praise", "question", "urgent"}
    assert model.metadata["data_files"]
    s = Triage(model).score("worst service ever, I want a refund now")
    assert 0 <= s.negativity <= 1
    assert np.all((model.thresholds > 0) & (model.thresholds < 1))


def test_training_never_sees_an_evaluation_post() -> None:
    from socialcare import datasets

    keys = datasets.evaluation_keys(DATA)
    flags = datasets.flags_training_set(DATA, keys)
    sentiment = datasets.sentiment_training_set(DATA, flags, keys)
    assert not set(flags["text"].map(datasets.text_key)) & keys
    assert not set(sentiment["text"].map(datasets.text_key)) & keys
    test_keys = set(datasets.gold(DATA, "test")["text"].map(datasets.text_key))
    assert test_keys <= keys
