from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def triage():
    """The bundled model behind one shared Triage, loaded once for the whole session."""
    from socialcare import Triage

    return Triage()


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return DATA / "sample_posts.csv"


# A long fuzzing campaign: pytest tests/test_robustness.py --hypothesis-profile=fuzz
settings.register_profile("fuzz", max_examples=5_000, deadline=None, suppress_health_check=list(HealthCheck))
