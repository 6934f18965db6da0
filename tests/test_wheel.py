"""A built wheel, installed outside the repository, finds and loads the bundled model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the wheel installed (dependencies are borrowed
    from the running environment through a .pth file, so no download is needed)."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("socialcare-*.whl"))
    env = base / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env


def run(env: Path, *args: str, cwd: Path) -> str:
    done = subprocess.run([str(env / "bin" / args[0]), *args[1:]], check=True, capture_output=True, text=True, cwd=cwd)
    return done.stdout


def test_the_wheel_ships_the_model_and_its_resources(installed: Path, tmp_path: Path) -> None:
    out = run(
        installed,
        "python",
        "-c",
        "import socialcare, pathlib; print(pathlib.Path(socialcare.__file__).parent);"
        "print(socialcare.route('I will call my lawyer and the news about this').category)",
        cwd=tmp_path,
    )
    location, category = out.split()
    assert str(installed) in location, "imported the source tree, not the wheel"
    assert category == "escalation"
    assert (Path(location) / "py.typed").exists()


def test_the_installed_command_scores_an_archive(installed: Path, tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "sample_posts.csv", tmp_path / "posts.csv")
    run(installed, "socialcare", "score", "posts.csv", "-o", "scored.csv", cwd=tmp_path)
    lines = (tmp_path / "scored.csv").read_text().splitlines()
    assert len(lines) >= 301 and "priority" in lines[0]
