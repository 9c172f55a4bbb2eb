"""The README says what the code says: its notation table is lstm_core's docstring table, and it
opens with `make lab` and `make test`."""

from __future__ import annotations

from helpers.repo_files import README

NOTATION_START = "<!-- notation:start -->"
NOTATION_END = "<!-- notation:end -->"


def notation_table(text: str) -> list[str]:
    """The markdown table that starts at the `| symbol | shape | meaning |` row."""
    lines = [line.strip() for line in text.splitlines()]
    header = "| symbol | shape | meaning |"
    assert header in lines, "no notation table header"
    start = lines.index(header)
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def readme_notation() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(NOTATION_START) == 1 and text.count(NOTATION_END) == 1
    return text.split(NOTATION_START, 1)[1].split(NOTATION_END, 1)[0]


def test_readme_notation_table_is_lstm_core_docstring_table():
    import lstm_core

    assert lstm_core.__doc__, "lstm_core has no module docstring"
    readme_table = notation_table(readme_notation())
    assert len(readme_table) == 19  # header, rule, 12 LSTM symbols, 5 GRU rows
    assert readme_table == notation_table(lstm_core.__doc__)


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), "README starts with its title"
    # Everything before the first section header (the title aside).
    intro_lines = []
    for line in lines[1:]:
        if line.startswith("#"):
            break
        intro_lines.append(line)
    intro = "\n".join(intro_lines)
    commands = [line.split("#")[0].strip() for line in intro_lines]
    assert "make lab" in commands and "make test" in commands, intro
    assert commands.index("make lab") < commands.index("make test")
    assert "LSTM" in intro
