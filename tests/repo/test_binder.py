"""Binder as a student meets it, simulated as far as this machine can.

repo2docker, for a repository with binder/requirements.txt and binder/runtime.txt, takes the
Python that runtime.txt names, with its own base environment (JupyterLab 4.4.9, notebook 7.4.7,
jupyterhub-singleuser 5.4.0, ...), runs `pip install -r binder/requirements.txt` on top of it, then
`binder/postBuild` from the repository root, and starts JupyterLab on the link's urlpath.
Here, once per run (the ``binder`` fixture):

1. a fresh venv with Binder's Python (3.12) if this machine has one, else python3 (the run's output
   says which: ``binder simulation: ...``), holding repo2docker's base packages at their versions
   (tests/repo/repo2docker_base_py3.12.txt, installed with --no-deps: conda's exact set);
2. `pip install -r binder/requirements.txt` over it, then binder/postBuild, run from the root of a
   copy of the checkout (the files git tracks). pip runs isolated from this machine's pip
   configuration (`--isolated`; PIP_CONFIG_FILE=/dev/null for postBuild's pip): PyPI only, as on Binder;
3. then: `pip check` passes, postBuild left nothing in the repository (the student's file browser),
   no test tool in that venv, and every package of binder/requirements.txt is at its version;
4. every lesson runs top to bottom in a kernel of that venv and prints what its stored outputs say;
5. JupyterLab from that venv serves the README badge's urlpath on 127.0.0.1 with a token
   (tests/browser/servers.py; stopped by its PID), and Run All in Chromium renders every explorer
   with no error output (browser).

Also: requirements/lock.txt resolves for Binder's Python with wheels only (pip's isolated dry run),
so Binder and conda users (environment.yml) get the locked versions on Python 3.12.
That the lock, binder/requirements.txt and pyproject.toml agree is checked in tests/repo/test_repo.py.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a fresh Binder venv (~100 packages) and JupyterLab + Chromium: out of the fast loop

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BINDER = ROOT / "binder"
LOCK = ROOT / "requirements" / "lock.txt"
REPO2DOCKER_BASE = Path(__file__).resolve().parent / "repo2docker_base_py3.12.txt"
EXAMPLE = ROOT / "tests" / "worked_examples" / "vector_lstm_worked_example.txt"
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\]]+")
TEST_TOOLS = ("pytest", "nbval", "hypothesis", "playwright")
# Only a hang is caught: venv + ~100 packages + postBuild take about 1-2 minutes on an idle
# 2-core machine with pip's cache warm, and a busy machine stretches that.
BUILD_HANG_S = 1200
KERNEL_TIMEOUT_MS = 180_000


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> dict[str, str]:
    """{normalised name: version} of a file of `name==version` lines."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            name = name.split("[")[0]
            pins[normalise(name)] = version
    return pins


def binder_python_version() -> str:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt: {runtime!r} is not python-X.Y"
    return match[1]


def binder_links() -> list[str]:
    return BINDER_LINK.findall(README.read_text(encoding="utf-8"))


def link_urlpath() -> str:
    (link, *_) = binder_links()
    return urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["urlpath"][0]


def say(config, line: str) -> None:
    """A line in the run's output, past pytest's capture."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(line)


# --- the README's link -----------------------------------------------------------------------------


def test_readme_binder_links_open_jupyterlab_on_start_here():
    """The badge (README's first Binder link) opens lesson 00; the notebook map's links open their lessons."""
    links = binder_links()
    assert links, "README has no mybinder.org link"
    for k, link in enumerate(links):
        url = urllib.parse.urlparse(link)
        assert re.fullmatch(r"/v2/gh/[^/]+/[^/]+/[^/]+", url.path), f"not a /v2/gh/OWNER/REPO/REF link: {link}"
        assert url.path == urllib.parse.urlparse(links[0]).path, f"another repository or branch: {link}"
        urlpath = urllib.parse.parse_qs(url.query).get("urlpath")
        if k == 0:
            assert urlpath == ["lab/tree/notebooks/00_start_here.ipynb"], (
                f"the badge should open JupyterLab on the first lesson (urlpath=lab/tree/notebooks/00_start_here.ipynb): "
                f"{link}")
        else:
            assert urlpath and re.fullmatch(r"lab/tree/notebooks/\d\d_\w+\.ipynb", urlpath[0]), link


def test_binder_link_path_exists_in_the_repo():
    for link in binder_links():
        urlpath = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["urlpath"][0]
        assert urlpath.startswith("lab/tree/"), link
        path = ROOT / urllib.parse.unquote(urlpath.removeprefix("lab/tree/"))
        assert path.is_file(), f"the Binder link opens {path.relative_to(ROOT)}, which is not in the repository"


# --- what repo2docker reads --------------------------------------------------------------------------


def test_binder_folder_is_a_pip_build_on_python_312():
    # repo2docker picks its build from the files in binder/: an environment.yml there would win
    # over requirements.txt (and conda-forge is not what CI tests).
    names = sorted(p.name for p in BINDER.iterdir())
    assert names == ["postBuild", "requirements.txt", "runtime.txt"], names
    assert binder_python_version() == "3.12"


# --- the lock on Binder's Python -----------------------------------------------------------------------


@pytest.mark.slow
def test_lock_resolves_with_wheels_only_for_binders_python(tmp_path, request):
    """pip's dry run for Binder's Python: every locked version has a wheel for it, and the lock
    is closed there (pip adds nothing and drops nothing)."""
    version = binder_python_version()
    report = tmp_path / "report.json"
    start = time.monotonic()
    result = subprocess.run(
        # --isolated: this machine's pip configuration (its local wheel folders and indexes) does not help
        [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", "install", "--dry-run", "--quiet",
         "--ignore-installed", "--target", str(tmp_path / "target"),  # older pips want --target with --python-version
         "--only-binary=:all:", "--python-version", version, "--implementation", "cp",
         "--report", str(report), "-r", str(LOCK)],
        capture_output=True, text=True, timeout=BUILD_HANG_S)
    assert result.returncode == 0, f"the lock does not resolve for Python {version} with wheels only:\n{result.stderr[-3000:]}"
    resolved = {normalise(item["metadata"]["name"]): item["metadata"]["version"]
                for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    locked = requirement_lines(LOCK)
    assert resolved == locked, (
        f"added: {sorted(set(resolved) - set(locked))}, dropped: {sorted(set(locked) - set(resolved))}, "
        f"changed: {sorted(n for n in set(resolved) & set(locked) if resolved[n] != locked[n])}")
    say(request.config, f"dry run, Python {version}, wheels only: the lock's {len(locked)} packages resolve "
                        f"({time.monotonic() - start:.0f} s)")


# --- the simulated launch --------------------------------------------------------------------------------


@dataclass
class BinderEnv:
    python: Path  # the venv's python
    base_python: str  # the interpreter the venv was made with, and how it was found
    version: str  # its X.Y.Z
    checkout: Path
    installed: dict[str, str]  # pip list: {normalised name: version}
    seconds: float
    pip_check: subprocess.CompletedProcess  # `pip check` after requirements + postBuild
    base_check: subprocess.CompletedProcess  # `pip check` of repo2docker's base alone
    litter: list[str]  # what postBuild left in the repository


def find_binder_python(version: str) -> tuple[str, str]:
    """(path, note): Python X.Y as runtime.txt asks, else python3 and a note saying so."""
    candidates = [os.environ.get("LSTM_BINDER_PYTHON"), shutil.which(f"python{version}")]
    for home in {os.path.expanduser("~"), "/root"}:
        candidates += sorted(glob.glob(f"{home}/.pyenv/versions/{version}*/bin/python{version}"), reverse=True)
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys, ensurepip, venv; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate, f"Python {version} as on Binder"
    fallback = shutil.which("python3") or sys.executable
    return fallback, f"NO Python {version} on this machine: python3 instead, not Binder's Python"


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


def venv_env(venv: Path) -> dict[str, str]:
    """This process's environment with ``venv`` first on PATH, and none of this machine's pip settings
    (PIP_* variables, pip.conf files): pip sees PyPI only, as on Binder."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith("PIP_")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=BUILD_HANG_S, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, argv))} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="module")
def binder(tmp_path_factory, request) -> BinderEnv:
    start = time.monotonic()
    base = tmp_path_factory.mktemp("binder")
    version = binder_python_version()
    base_python, note = find_binder_python(version)
    checkout = _checkout_copy(base / "repo")
    venv = base / "venv"
    _run([base_python, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    env = venv_env(venv)
    pip = [str(python), "-m", "pip", "--isolated", "--disable-pip-version-check"]
    # --no-compile: no .pyc files written ahead (Python writes them on first import); only saves CPU here
    # repo2docker's base environment: conda's exact set, so --no-deps
    _run([*pip, "install", "--no-compile", "--no-deps", "-r", str(REPO2DOCKER_BASE)], cwd=checkout, env=env)
    base_check = subprocess.run([*pip, "check"], capture_output=True, text=True, env=env)
    # repo2docker: pip install -r binder/requirements.txt on top, then binder/postBuild from the repository root
    _run([*pip, "install", "--no-compile", "-r", "binder/requirements.txt"], cwd=checkout, env=env)
    before = files_under(checkout)
    _run(["bash", "binder/postBuild"], cwd=checkout, env=env)
    litter = sorted(files_under(checkout) - before)
    pip_check = subprocess.run([*pip, "check"], capture_output=True, text=True, env=env)
    listed = json.loads(_run([str(python), "-m", "pip", "list", "--format=json"], env=env).stdout)
    installed = {normalise(p["name"]): p["version"] for p in listed}
    full_version = _run([str(python), "-c", "import platform; print(platform.python_version())"]).stdout.strip()
    seconds = time.monotonic() - start
    say(request.config, f"binder simulation: {note} ({base_python}, {full_version}); "
                        f"{len(installed)} packages in the venv; venv + requirements + postBuild in {seconds:.0f} s")
    return BinderEnv(python, f"{base_python} ({note})", full_version, checkout, installed, seconds, pip_check,
                     base_check, litter)


def test_repo2docker_base_is_the_one_the_issue_measured():
    base = requirement_lines(REPO2DOCKER_BASE)
    assert {n: base.get(n) for n in ("jupyterlab", "notebook", "jupyterhub", "jupyter-server",
                                     "jupyter-resource-usage", "jupyter-offlinenotebook", "pip")} == {
        "jupyterlab": "4.4.9", "notebook": "7.4.7", "jupyterhub": "5.4.0", "jupyter-server": "2.17.0",
        "jupyter-resource-usage": "1.2.0", "jupyter-offlinenotebook": "0.3.2", "pip": "25.2"}
    assert len(base) > 100


@pytest.mark.slow
def test_pip_check_passes_over_repo2dockers_base(binder, request):
    """repo2docker's base alone is consistent (so a failure below is binder/requirements.txt's), and stays so."""
    assert binder.base_check.returncode == 0, f"repo2docker's base alone:\n{binder.base_check.stdout}"
    assert binder.pip_check.returncode == 0 and "No broken requirements" in binder.pip_check.stdout, (
        f"pip check over repo2docker's base + binder/requirements.txt:\n{binder.pip_check.stdout}{binder.pip_check.stderr}")
    say(request.config, f"binder simulation: pip check over repo2docker's base: {binder.pip_check.stdout.strip()}")


@pytest.mark.slow
def test_postbuild_leaves_no_litter_in_the_repository(binder):
    assert binder.litter == [], f"postBuild left these in the student's file browser: {binder.litter[:20]}"


@pytest.mark.slow
def test_binder_venv_holds_the_lessons_packages_and_no_test_tool(binder):
    wanted = requirement_lines(BINDER / "requirements.txt")
    base = requirement_lines(REPO2DOCKER_BASE)
    extra = {n: v for n, v in binder.installed.items() if n not in wanted and n not in base and n != "lstm-core"}
    assert not extra, f"installed beyond repo2docker's base + binder/requirements.txt (unlocked packages): {extra}"
    kept = {n: (v, binder.installed.get(n)) for n, v in base.items() if n not in wanted and binder.installed.get(n) != v}
    assert not kept, f"a base package that binder/requirements.txt does not name changed: {kept}"
    differ = {n: (v, binder.installed.get(n)) for n, v in wanted.items() if binder.installed.get(n) != v}
    assert not differ, f"binder/requirements.txt version vs installed: {differ}"
    assert binder.installed.get("lstm-core"), "postBuild did not install lstm_core"
    present = [tool for tool in TEST_TOOLS if normalise(tool) in binder.installed]
    assert not present, f"test tools in the Binder image: {present}"
    importable = _run([str(binder.python), "-c", "import importlib.util, json; print(json.dumps("
                       f"[m for m in {list(TEST_TOOLS)!r} if importlib.util.find_spec(m)]))"]).stdout
    assert json.loads(importable) == [], f"test tools importable in the Binder venv: {importable}"
    for needed in ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "voila", "ipykernel", "jupyterlab-widgets"):
        assert needed in binder.installed, f"{needed} missing from the Binder venv"
    assert binder.seconds < BUILD_HANG_S


# Runs inside the Binder venv: every lesson top to bottom in a fresh kernel of that venv (notebooks/ as its
# folder), then what nbval compares: each checked cell's printed text against the stored one.
LESSON_RUNNER = r"""
import json, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

def shown(outputs):
    merged = []  # consecutive writes to one stream are one text (as nbval compares them)
    for o in outputs:
        if merged and o["output_type"] == "stream" and merged[-1]["output_type"] == "stream" and merged[-1]["name"] == o["name"]:
            merged[-1] = dict(merged[-1], text=merged[-1]["text"] + o["text"])
        else:
            merged.append(o)
    return [o.get("text") if o["output_type"] == "stream" else
            {m: o["data"][m] for m in ("text/plain", "text/markdown", "text/html") if m in o["data"]}
            for o in merged if o["output_type"] in ("stream", "execute_result", "display_data")]

report = {}
for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as exc:
        report[path.name] = {"failed": f"{type(exc).__name__}: {str(exc)[-1500:]}"}
        continue
    differ = []
    for k, (old, new) in enumerate(zip(stored.cells, nb.cells)):
        if old.cell_type == "code" and "nbval-ignore-output" not in old.metadata.get("tags", []):
            if shown(old.outputs) != shown(new.outputs):
                differ.append({"cell": k, "stored": shown(old.outputs), "now": shown(new.outputs)})
    report[path.name] = {"prefix": nb.cells[-1].outputs[0]["text"].strip(), "differ": differ,
                         "errors": [o.get("ename") for c in nb.cells for o in c.get("outputs", [])
                                    if o["output_type"] == "error"]}
print(json.dumps(report))
"""


@pytest.mark.slow
def test_every_lesson_runs_in_the_binder_venv(binder, tmp_path, request):
    """All lessons, not only the badge's: each runs top to bottom in a kernel of the Binder venv with no
    error, and every cell nbval checks prints what is stored (the same numbers as on Python 3.11)."""
    lessons = sorted((binder.checkout / "notebooks").glob("*.ipynb"))
    assert len(lessons) >= 9
    runner = tmp_path / "run_lessons.py"
    runner.write_text(LESSON_RUNNER, encoding="utf-8")
    start = time.monotonic()
    env = venv_env(binder.python.parents[1])
    report = json.loads(_run([str(binder.python), str(runner), str(binder.checkout / "notebooks")], cwd=tmp_path,
                             env=env).stdout.strip().splitlines()[-1])
    assert sorted(report) == [p.name for p in lessons]
    failed = {name: r["failed"] for name, r in report.items() if "failed" in r}
    assert not failed, f"lessons that did not run in the Binder venv: {failed}"
    for name, r in report.items():
        assert Path(r["prefix"]) == binder.python.parents[1], f"{name} ran in {r['prefix']}, not the Binder venv"
        assert r["errors"] == [], f"{name}: error outputs {r['errors']}"
        assert r["differ"] == [], f"{name}: printed otherwise than stored: {r['differ'][:3]}"
    say(request.config, f"binder simulation: all {len(lessons)} lessons ran on Python {binder.version} in the Binder "
                        f"venv, every checked output as stored ({time.monotonic() - start:.0f} s)")


SUBPACKAGES = ("lstm_core.lessons", "lstm_core.explore", "lstm_core.explore.explorers", "lstm_core.explore.panels")


@pytest.mark.slow
def test_postbuild_installed_lstm_core_into_the_venv(binder, tmp_path):
    """lstm_core imports from the venv (not the checkout), with its subpackages and its package data
    (lesson 07's PyTorch reference), and prints the worked example's final prediction."""
    probe = (
        "import importlib.util, json, lstm_core\n"
        "from lstm_core.lessons import l07_layouts\n"
        "print(json.dumps({'file': lstm_core.__file__,\n"
        "  'subpackages': [m for m in SUBPACKAGES if importlib.util.find_spec(m) is not None],\n"
        "  'reference': l07_layouts.reference_sizes(l07_layouts.load_torch_reference('case3'))}))\n"
    ).replace("SUBPACKAGES", repr(SUBPACKAGES))
    env = venv_env(binder.python.parents[1])
    found = json.loads(_run([str(binder.python), "-c", probe], cwd=tmp_path, env=env).stdout)
    assert Path(found["file"]).resolve().is_relative_to(binder.python.parents[1].resolve()), found["file"]
    assert found["subpackages"] == list(SUBPACKAGES)
    assert found["reference"] == [3, 2, 7, 3]  # D, H, T, B of the stored case3 (tests/reference/README.md)
    printed = _run([str(binder.python), "-W", "error", "-m", "lstm_core", "walkthrough", "--example", "vector"],
                   cwd=tmp_path, env=env).stdout
    expected = [line.rstrip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.startswith("Final Prediction:")]
    assert len(expected) == 1
    assert [line.rstrip() for line in printed.splitlines() if line.startswith("Final Prediction:")] == expected


@pytest.mark.slow
@pytest.mark.browser
def test_jupyterlab_from_the_binder_venv_runs_the_links_notebook(binder, tmp_path, request):
    """The badge's urlpath in JupyterLab from the Binder venv: Run All, no error, every explorer drawn."""
    from browser.checks import explorer_calls
    from browser.pages import PAGE_HELPERS
    from browser.servers import CHROMIUM_ARGS, find_chromium, start_jupyterlab, stop_jupyterlab
    from browser.pages import wait_kernel_idle
    from browser.test_notebooks import ERROR_OUTPUTS, PANEL, menu, wait_run_all_done

    chromium, how = find_chromium()
    if chromium is None:
        if os.environ.get("LSTM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LSTM_REQUIRE_BROWSER=1 but {how}", pytrace=False)
        pytest.skip(how)
    import psutil
    from playwright.sync_api import sync_playwright

    urlpath = link_urlpath()
    notebook = binder.checkout / urlpath.removeprefix("lab/tree/")
    calls = explorer_calls(notebook)
    assert calls, f"{notebook.name} shows no explorer: the check below would be empty"
    server = start_jupyterlab(tmp_path / "lab", python=str(binder.python), root=binder.checkout)

    def run_all_in_chromium() -> dict:
        # In a thread of its own: the browser tests' session-wide Playwright may be running in this
        # thread, and Playwright's sync API allows one instance per thread.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                page.add_init_script(PAGE_HELPERS)
                page_errors = []
                page.on("pageerror", lambda exc: page_errors.append(str(exc)))
                start = time.monotonic()
                page.goto(server.url(urlpath))
                page.wait_for_function(
                    "name => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                    " return !!w && !!w.context && w.context.path === name; }",
                    arg=urlpath.removeprefix("lab/tree/"), timeout=KERNEL_TIMEOUT_MS)
                wait_kernel_idle(page, KERNEL_TIMEOUT_MS)
                menu(page, "Edit", "Clear Outputs of All Cells")
                menu(page, "Run", "Run All Cells")
                page.wait_for_function("sel => document.querySelectorAll(sel).length > 0",
                                       arg=f"{PANEL} .jp-CodeCell .jp-InputPrompt")
                wait_run_all_done(page, KERNEL_TIMEOUT_MS)
                count = page.evaluate("() => __lstm.explorers().length")
                return {
                    "seconds": time.monotonic() - start,
                    "errors": page.locator(ERROR_OUTPUTS).all_inner_texts(),
                    "widget_errors": [t for t in page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts()
                                      if "Error displaying widget" in t or "Error rendering" in t],
                    "count": count,
                    "drawn": [page.evaluate(
                        "i => { const p = __lstm.plot(i); return !!p && p.complete && p.naturalWidth > 0; }", i)
                        for i in range(count)],
                    "page_errors": page_errors,
                }
            finally:
                browser.close()

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            seen = pool.submit(run_all_in_chromium).result()
        kernels = [p for p in psutil.Process(server.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        kernel_pythons = {p.cmdline()[0] for p in kernels}  # not resolved: a venv's python is a symlink
    finally:
        stop_jupyterlab(server)
    errors, widget_errors, page_errors = seen["errors"], seen["widget_errors"], seen["page_errors"]
    count, drawn, seconds = seen["count"], seen["drawn"], seen["seconds"]

    assert not errors, "error output on the page:\n" + "\n---\n".join(errors)
    assert not widget_errors, "a widget did not render (the server's jupyterlab_widgets?):\n" + "\n".join(widget_errors)
    assert not page_errors, f"JavaScript errors: {page_errors}"
    assert count >= len(calls), f"{len(calls)} explorer call(s) in {notebook.name}, {count} explorer(s) on the page"
    assert all(drawn), f"plot image not drawn for explorer(s): {drawn}"
    assert kernels, "no ipykernel process under the server"
    # the kernel is the server's environment (the widgets' JavaScript comes from the same venv)
    assert {str(Path(p).parent) for p in kernel_pythons} == {str(binder.python.parent)}, (
        f"kernel ran from {kernel_pythons}, not from the Binder venv {binder.python.parent}")
    say(request.config, f"binder simulation: JupyterLab from the Binder venv ran {urlpath} (Run All in {seconds:.0f} s, "
                        f"{count} explorer(s) drawn, no error output)")
