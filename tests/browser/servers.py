"""Finding Chromium, and starting/stopping JupyterLab and Voilà for the browser tests.

Every server listens on 127.0.0.1 at a free port, with a random token, in throwaway
config/data/runtime folders, and is stopped by its PID (terminate, wait, kill).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
PRESENT_DIR = ROOT / "present"
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"

# Without the background-networking flags Chromium phones home, and the closed network
# refuses those connections (slow start, noisy logs).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
START_TIMEOUT_S = 90.0


# --- Chromium --------------------------------------------------------------------------


def find_chromium() -> tuple[str | None, str]:
    """(path, how it was found) or (None, why none was found).

    Order: $LSTM_CHROMIUM (if set, it is the only candidate), /usr/bin/chromium,
    /usr/bin/chromium-browser, then Playwright's own managed browser if that file exists.
    """
    pinned = os.environ.get("LSTM_CHROMIUM")
    if pinned:
        if os.path.isfile(pinned) and os.access(pinned, os.X_OK):
            return pinned, f"LSTM_CHROMIUM={pinned}"
        return None, f"LSTM_CHROMIUM={pinned} is not an executable file"
    for path in SYSTEM_CHROMIUMS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path, path
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            managed = p.chromium.executable_path
    except Exception as exc:  # playwright missing or broken: treat as "no managed browser"
        managed, problem = None, f"playwright: {exc}"
    else:
        problem = f"Playwright's managed browser {managed} does not exist"
    if managed and os.path.isfile(managed):
        return managed, f"Playwright's managed browser {managed}"
    return None, (
        f"no Chromium found: LSTM_CHROMIUM unset, {' and '.join(SYSTEM_CHROMIUMS)} missing, {problem}. "
        "Install Debian's: apt-get install -y --no-install-recommends chromium "
        "(never `playwright install`), or set LSTM_CHROMIUM=/path/to/chromium"
    )


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_jupyter_env(base: Path, extra_jupyter_path: list[Path] = (), prefix: str = sys.prefix) -> dict[str, str]:
    """Environment for a server whose config, data, runtime and IPython folders are under ``base``.

    The venv's share/jupyter stays on JUPYTER_PATH, so the python3 kernelspec, the widget
    labextension and Voilà's templates are still found.
    """
    env = dict(os.environ)
    for name in ("config", "data", "runtime", "ipython"):
        (base / name).mkdir(parents=True, exist_ok=True)
    env["JUPYTER_CONFIG_DIR"] = str(base / "config")
    env["JUPYTER_DATA_DIR"] = str(base / "data")
    env["JUPYTER_RUNTIME_DIR"] = str(base / "runtime")
    env["IPYTHONDIR"] = str(base / "ipython")
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(p) for p in extra_jupyter_path] + [str(Path(prefix) / "share" / "jupyter")]
    )
    env.pop("JUPYTER_TOKEN", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def copy_notebooks(dest: Path) -> Path:
    """notebooks/*.ipynb copied into ``dest``: a run never rewrites the committed notebooks."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        shutil.copy2(path, dest / path.name)
    return dest


class Server:
    """A server process on 127.0.0.1:port with a token, its log in a file; stopped by PID."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, port: int, token: str,
                 log_path: Path):
        self.name, self.port, self.token, self.log_path = name, port, token, log_path
        self.base_url = f"http://127.0.0.1:{port}"
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        self._log.flush()
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def wait_until_up(self, probe: str, timeout: float = START_TIMEOUT_S) -> None:
        """Poll ``probe`` (with the token) until it answers 200."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(probe), timeout=5) as response:
                    if response.status == 200:
                        response.read()
                        return
                    last = f"HTTP {response.status}"
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last = repr(exc)
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {probe} within {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop(self) -> None:
        """terminate, wait, kill: by this server's PID only."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def start_jupyterlab(base: Path, python: str = sys.executable, root: Path | None = None) -> Server:
    """JupyterLab serving a copy of notebooks/ from ``base/root``, set up so no dialog blocks a page.

    ``python``: the environment it runs from (default this one); ``root``: the folder it serves instead.
    """
    root = root or copy_notebooks(base / "root")
    settings = base / "user-settings"
    for plugin, values in {
        # no "fetch the news?" toast, no update check (the network is closed anyway)
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # a notebook opens with its kernel started, no kernel-picker dialog; every cell stays in the
        # DOM (no virtual scrolling), so the tests can find every explorer
        "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True, "windowingMode": "none"},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        python, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        # window.jupyterapp: the tests read the kernel's status from it (the clicks stay real clicks)
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.open_browser=False",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    # another venv's python: that venv's share/jupyter (<venv>/bin/python -> <venv>)
    env = throwaway_jupyter_env(base, prefix=sys.prefix if python == sys.executable else str(Path(python).parents[1]))
    server = Server("JupyterLab", argv, env, root, port, token, base / "jupyterlab.log")
    server.wait_until_up("api/status")
    return server


def stop_jupyterlab(server: Server) -> None:
    """Shut down its kernels through the API, then stop the server by PID."""
    try:
        for kernel in server.api("GET", "api/kernels") or []:
            server.api("DELETE", f"api/kernels/{kernel['id']}")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        pass  # the server is gone already: stop() below still reaps it
    server.stop()


def start_voila(base: Path, template: str = "present") -> Server:
    """Voilà serving a copy of notebooks/ with the classroom template from present/."""
    root = copy_notebooks(base / "root")
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        sys.executable, "-m", "voila", str(root),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--token={token}",
        f"--template={template}",
        "--theme=light",
        # The kernels talk to Voilà over Unix sockets in its own /tmp/voila_* folder, not over TCP.
        # A TCP kernel's five ports are picked free by the server and bound by the kernel a moment
        # later, and other processes of a parallel run can take one in between. A kernel that dies
        # before it answers leaves Voilà's page unsent for ever, its error only in Voilà's log (seen
        # here with a kernel that exits at once: no load event in 45 s, though Voilà restarted it).
        "--KernelManager.transport=ipc",
    ]
    env = throwaway_jupyter_env(base, extra_jupyter_path=[PRESENT_DIR])
    server = Server("Voilà", argv, env, root, port, token, base / "voila.log")
    server.wait_until_up("voila/api/contents")
    return server
