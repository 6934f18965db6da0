"""The HTML report: valid, complete, self-contained, and rendered by a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from socialcare.cli import main
from socialcare.report import SECTIONS

ROOT = Path(__file__).resolve().parents[1]


class _Page(HTMLParser):
    """Collects section ids, tags, and every URL the page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tags: set[str] = set()
        self.urls: list[str] = []
        self.stack: list[str] = []
        self.closed_wrongly = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if tag == "section":
            self.sections.append(values.get("id", ""))
        for name in ("src", "href", "data", "xlink:href", "poster", "srcset"):
            if values.get(name):
                self.urls.append(values[name])
        if tag not in {"meta", "br", "img", "link", "input", "hr", "path", "use", "circle", "rect", "line"}:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                self.closed_wrongly += 1


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    data = ROOT / "data" / "airline_sentiment" / "Tweets.csv"
    args = ["report", str(data), "-o", str(out), "--time-column", "tweet_created", "--group-column", "airline"]
    assert main(args) == 0
    return out


def test_the_report_is_valid_html_with_every_section(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = _Page()
    page.feed(text)
    page.close()
    assert page.sections == list(SECTIONS)
    assert page.closed_wrongly == 0 and not page.stack
    assert text.count("<svg") >= 3  # category mix, sentiment over time, escalation types
    assert "American" in text and "escalation" in text  # real content: the queue and the alerts


def test_the_report_loads_nothing_and_runs_nothing(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert "script" not in page.tags and "iframe" not in page.tags and "link" not in page.tags
    assert [u for u in page.urls if not u.startswith("#")] == []
    assert "@import" not in text
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", text))  # only the SVG's own clip paths


def test_a_report_of_posts_without_times_still_has_every_section(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    source = tmp_path / "posts.csv"
    source.write_text("text\nlost my bag\nthanks!\nwhere is my refund?\n", encoding="utf-8")
    assert main(["report", str(source), "-o", str(out)]) == 0
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.sections == list(SECTIONS)


def test_the_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("SOCIALCARE_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (SOCIALCARE_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    from PIL import Image

    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600",
         f"--screenshot={shot}", report.as_uri()],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    low, high = image.getextrema()
    colours = len(image.getcolors(maxcolors=256 * 256) or [])
    assert high - low > 100 and colours > 20  # not blank: text, charts and tables were drawn


def test_a_labeled_file_with_its_own_category_column_is_scored_for_the_report(tmp_path: Path) -> None:
    out = tmp_path / "gold.html"
    assert main(["report", str(ROOT / "data" / "triage_gold" / "test.csv"), "-o", str(out)]) == 0
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.sections == list(SECTIONS)
