"""Sphinx + MyST-NB configuration of the lessons' site (`make site`; tools/build_site.py builds it).

The pages are the stored notebooks, never executed here (nb_execution_mode = "off"): what a page shows is
what tools/execute_notebooks.py stored. tools/build_site.py first replaces each widget view by its stored
picture (or the question's text) and drops the widget state, so no page loads widget JavaScript or shows a
widget's repr. MathJax comes with the pages (site/package-lock.json, copied into _static/), not from a CDN:
the site works offline, in a classroom with a poor network too.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCH = json.loads((HERE / "launch.json").read_text(encoding="utf-8"))  # written by tools/build_site.py

project = "LSTM teaching suite"
author = "the LSTM teaching suite's authors"
copyright = "the LSTM teaching suite's authors; lessons CC BY 4.0, code MIT"
extensions = ["myst_nb"]
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget JavaScript from a CDN (the views are pictures here)
myst_enable_extensions = ["dollarmath", "amsmath"]
exclude_patterns = ["_build", "launch.json"]
suppress_warnings = ["misc.highlighting_failure"]
mathjax_path = "mathjax/tex-chtml.js"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_title = project
html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": f"https://github.com/{LAUNCH['owner']}/{LAUNCH['repo']}",
    "repository_branch": LAUNCH["branch"],
    "path_to_docs": "",
    "use_repository_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
}
