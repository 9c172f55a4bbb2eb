"""The papers a teacher needs: the licences, CITATION.cff, CONTRIBUTING.md, and the README's
"What was tested"."""

from __future__ import annotations

from helpers.repo_files import FLOOR, LOCK, README, ROOT, exact_pins, pyproject


def test_licenses_code_mit_lessons_cc_by():
    code, lessons = (ROOT / "LICENSE").read_text(encoding="utf-8"), (ROOT / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in code
    assert "Attribution 4.0 International" in lessons and "notebooks/" in lessons
    project = pyproject()
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    section = README.read_text(encoding="utf-8").split("## License", 1)[1].split("\n## ", 1)[0]
    assert "MIT" in section and "CC BY 4.0" in section and "LICENSE" in section


def test_citation_cff_names_the_project():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "license", "version"):
        assert citation.get(key), f"CITATION.cff has no {key}"
    import lstm_core

    assert citation["version"] == lstm_core.__version__  # pyproject reads its version from there (dynamic)
    assert citation["license"] == ["MIT", "CC-BY-4.0"]


def test_contributing_says_how_to_test_and_re_execute_a_notebook():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in ("make test", "requirements/lock.txt", "nbval", "tools/execute_notebooks.py"):
        assert needed in text, f"CONTRIBUTING.md does not mention {needed!r}"


def test_readme_says_what_was_tested():
    text = README.read_text(encoding="utf-8")
    section = text.split("## What was tested", 1)[1].split("\n## ", 1)[0]
    floor = exact_pins(FLOOR)["numpy"]
    locked = exact_pins(LOCK)["numpy"]
    for needed in (f"numpy {floor}", f"numpy {locked}", "Python 3.11", "Python 3.12", "requirements/lock.txt",
                   "OPENBLAS_CORETYPE", "Prescott", "Nehalem", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake"):
        assert needed in section, f"README's 'What was tested' does not say {needed!r}"
