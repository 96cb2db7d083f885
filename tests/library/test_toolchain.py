"""The toolchain refuses, in one line, project paths on which `brownie run` cannot work."""

from pathlib import Path

import pytest

from pilotchain import toolchain
from pilotchain.errors import ConfigError


def test_a_dot_folder_on_the_path_is_named():
    with pytest.raises(ConfigError, match=r"the folder '\.work' starts with a dot") as info:
        toolchain.check_brownie_run_path(Path("/home/me/.work/pilotchain"))
    assert "\n" not in str(info.value)


def test_a_project_folder_starting_with_a_digit_is_named():
    with pytest.raises(ConfigError, match=r"project folder whose name starts with a digit"):
        toolchain.check_brownie_run_path(Path("/srv/2pilotchain"))


def test_an_ordinary_path_passes():
    assert toolchain.check_brownie_run_path(Path("/srv/consortium/pilotchain")) is None


def test_the_pilot_refuses_a_dotted_checkout_before_running_brownie(monkeypatch):
    from pilotchain import pilot

    monkeypatch.setattr(toolchain, "ROOT", Path("/tmp/.hidden/pilotchain"))
    ran = []
    monkeypatch.setattr(pilot.subprocess, "run", lambda *a, **k: ran.append(a))
    with pytest.raises(ConfigError, match="starts with a dot"):
        pilot.deploy("pilot-anvil", print)
    assert ran == []
