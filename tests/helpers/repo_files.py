"""What the repository checks (tests/repo/) share: the files they read, and how they read the
dependency files (exact `name==version` pins, pyproject's declared ranges)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ENV_FILE = ROOT / "environment.yml"
BINDER_DIR = ROOT / "binder"
BINDER_REQUIREMENTS = BINDER_DIR / "requirements.txt"
POSTBUILD = BINDER_DIR / "postBuild"
LOCK = ROOT / "requirements" / "lock.txt"
FLOOR = ROOT / "requirements" / "floor.txt"
PYPROJECT = ROOT / "pyproject.toml"
MAKEFILE = ROOT / "Makefile"
NOTEBOOK_DIR = ROOT / "notebooks"


def normalise(name: str) -> str:
    """PEP 503 name normalisation: `PyYAML`, `py_yaml` and `py.yaml` are one name."""
    return re.sub(r"[-_.]+", "-", name).lower()


_EXACT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.\-]*)==(?P<version>[A-Za-z0-9_.+!\-]+)$")


def exact_pins(path: Path) -> dict[str, str]:
    """A file of `name==version` lines (comments and blank lines aside), as {normalised name: version}.

    Anything else (a range, an option, a URL, a name twice) fails: these files are exact.
    """
    pins: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _EXACT.match(line)
        assert match, f"{path.relative_to(ROOT)}:{n}: not an exact `name==version` line: {raw!r}"
        name = normalise(match["name"])
        assert name not in pins, f"{path.relative_to(ROOT)}: {name} listed twice"
        pins[name] = match["version"]
    return pins


def pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def declared_requirements() -> dict[str, list[Requirement]]:
    """{"runtime": [...], "lab": [...], "test": [...]} from pyproject.toml."""
    project = pyproject()
    groups = {"runtime": [Requirement(r) for r in project["dependencies"]]}
    for extra in ("lab", "test"):
        groups[extra] = [Requirement(r) for r in project["optional-dependencies"][extra]]
    return groups


def floor_of(requirement: Requirement) -> Version:
    (floor,) = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return floor

