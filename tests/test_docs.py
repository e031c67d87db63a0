"""Documentation stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from broadsheet import settings

ROOT = Path(__file__).resolve().parent.parent


def test_settings_doc_contains_the_generated_table() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text()
    assert settings.markdown_table() in doc


def test_every_extension_is_documented() -> None:
    from broadsheet import extensions

    doc = (ROOT / "docs" / "extensions.md").read_text()
    for name in extensions.KNOWN:
        assert f"`{name}`" in doc, name


def test_readme_starts_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert "broadsheet import sample/archive" in blocks[0] and "broadsheet serve" in blocks[0]
    assert blocks[1].endswith(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1] in ci
    assert "BROADSHEET_TEST_POSTGRES" in ci


def test_readme_documents_every_cli_command() -> None:
    from broadsheet.cli import main

    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"broadsheet {name}" in readme, name


def test_deployment_doc_lists_every_serve_option() -> None:
    from broadsheet.cli import main

    doc = (ROOT / "docs" / "deployment.md").read_text()
    for param in main.commands["serve"].params:
        for flag in getattr(param, "opts", []):
            if flag.startswith("--") and flag not in ("--host", "--port", "--help"):
                assert f"`{flag}" in doc, flag
        if getattr(param, "envvar", None):
            assert f"`{param.envvar}" in doc, param.envvar
