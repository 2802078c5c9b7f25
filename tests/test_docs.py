"""Every command is documented in the README and shows an example in its help."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert f"`eventwire {name}" in README, f"README does not document `eventwire {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"eventwire {name}" in result.output


def test_readme_shows_the_two_setup_commands():
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_described(name):
    cmd = main.commands[name]
    for param in cmd.params:
        if param.param_type_name == "option" and param.name not in {"help"}:
            assert param.help or param.name in {"db"}, f"{name} --{param.name} has no help text"
