"""Binder as a student meets it: the README's link opens JupyterLab on a notebook that exists,
and binder/postBuild really installs lstm_core.

That environment.yml, binder/environment.yml and pyproject.toml pin the same packages at the
same versions is checked in tests/test_repo.py (test_conda_env_files_pin_the_same_packages,
test_pyproject_pins_match_environment_yml); it is not repeated here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
POSTBUILD = ROOT / "binder" / "postBuild"
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\]]+")
# venv + pinned numpy + postBuild take about 16 s of CPU (20-30 s on an idle 2-core machine with
# pip's cache warm); this only catches a hang, since a busy machine stretches the wall time.
POSTBUILD_HANG_S = 300


def binder_links() -> list[str]:
    return BINDER_LINK.findall(README.read_text(encoding="utf-8"))


def test_readme_binder_links_open_jupyterlab_on_start_here():
    links = binder_links()
    assert links, "README has no mybinder.org link"
    for link in links:
        url = urllib.parse.urlparse(link)
        assert re.fullmatch(r"/v2/gh/[^/]+/[^/]+/[^/]+", url.path), f"not a /v2/gh/OWNER/REPO/REF link: {link}"
        urlpath = urllib.parse.parse_qs(url.query).get("urlpath")
        assert urlpath == ["lab/tree/notebooks/00_start_here.ipynb"], (
            f"the link should open JupyterLab on the first lesson (urlpath=lab/tree/notebooks/00_start_here.ipynb): "
            f"{link}")


def test_binder_link_path_exists_in_the_repo():
    for link in binder_links():
        urlpath = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["urlpath"][0]
        assert urlpath.startswith("lab/tree/"), link
        path = ROOT / urllib.parse.unquote(urlpath.removeprefix("lab/tree/"))
        assert path.is_file(), f"the Binder link opens {path.relative_to(ROOT)}, which is not in the repository"


def _pinned_numpy() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (numpy,) = [r for r in project["dependencies"] if r.startswith("numpy==")]
    return numpy


def _checkout_copy(dest: Path) -> Path:
    """The files git tracks (what Binder clones), copied; nothing else of this working tree."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # tracked but deleted in the working tree: not copied
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, argv))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def test_postbuild_installs_lstm_core_into_a_fresh_venv(tmp_path):
    """A plain venv (no system site-packages) plays Binder's conda env: numpy at its pin, as
    binder/environment.yml provides it, then `bash binder/postBuild` in a copy of the checkout
    with that venv first on PATH. Afterwards lstm_core imports from the venv, not the copy."""
    start = time.monotonic()
    checkout = _checkout_copy(tmp_path / "checkout")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run([str(python), "-m", "pip", "install", "--quiet", _pinned_numpy()], env=env)

    _run(["bash", str(checkout / "binder" / "postBuild")], cwd=checkout, env=env)

    probe = (
        "import importlib.util, json, lstm_core\n"
        "from lstm_core.examples import scalar_example\n"
        "trace = lstm_core.forward(*scalar_example())\n"
        "print(json.dumps({'file': lstm_core.__file__, 'prediction': float(trace.prediction[0]),\n"
        "  'subpackages': [m for m in ('lstm_core.explore', 'lstm_core.lessons.questions')\n"
        "                  if importlib.util.find_spec(m) is not None]}))\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = json.loads(_run([str(python), "-c", probe], cwd=elsewhere, env=env).stdout)
    installed = {p["name"].lower().replace("_", "-") for p in
                 json.loads(_run([str(python), "-m", "pip", "list", "--format=json"], env=env).stdout)}
    seconds = time.monotonic() - start

    assert Path(found["file"]).resolve().is_relative_to(venv.resolve()), f"lstm_core imported from {found['file']}"
    assert found["subpackages"] == ["lstm_core.explore", "lstm_core.lessons.questions"]
    from lstm_core.examples import scalar_example

    import lstm_core

    assert found["prediction"] == float(lstm_core.forward(*scalar_example()).prediction[0])
    # --no-deps: postBuild adds lstm_core and nothing else (numpy came from the environment)
    assert installed - {"pip", "setuptools", "numpy"} == {"lstm-core"}, installed
    print(f"fresh venv + pinned numpy + binder/postBuild: {seconds:.0f} s")
    assert seconds < POSTBUILD_HANG_S, f"fresh venv + postBuild took {seconds:.0f} s"
