"""The helpers of ``classroom/hub.py`` (``make classroom``), without a hub running: the class list, the
passwords file, addresses, student copies never overwritten, the idle kernels' and servers' timeouts, and
the configuration's refusal to open the room's network without real passwords and the options it gives
every learner's server (those two need JupyterHub: ``make classroom-setup``).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdl_helpers import paths

pytestmark = [pytest.mark.classroom]

CLASSROOM = paths.REPO_ROOT / "classroom"
CONFIG = CLASSROOM / "jupyterhub_config.py"
JUPYTERHUB = Path(sys.executable).with_name("jupyterhub")
_spec = importlib.util.spec_from_file_location("classroom_hub", CLASSROOM / "hub.py")
hub = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hub)


def test_class_list_reads_names_and_rejects_bad_ones(tmp_path):
    class_list = tmp_path / "class.txt"
    class_list.write_text("# my room\nann\n\nben  # late\n")
    assert hub.read_class_list(class_list) == ["ann", "ben"]
    for text, says in [
        ("ann\nann\n", "listed twice"),
        ("Ann B\n", "not a usable"),
        ("# none\n", "no learner"),
    ]:
        class_list.write_text(text)
        with pytest.raises(ValueError, match=says):
            hub.read_class_list(class_list)


def test_passwords_are_private_kept_and_checked(tmp_path):
    file = tmp_path / "room" / "passwords.txt"
    first = hub.ensure_passwords(file, ["teacher", "ann"])
    assert oct(file.stat().st_mode & 0o777) == "0o600", "only the teacher may read the passwords"
    assert hub.password_problems(file, ["teacher", "ann"]) == []
    again = hub.ensure_passwords(file, ["teacher", "ann", "ben"])
    assert {name: again[name] for name in first} == first, "a password handed out must not change"
    assert len(set(again.values())) == 3
    file.write_text("teacher secret\nann ann\n")
    file.chmod(0o644)
    problems = "\n".join(hub.password_problems(file, ["teacher", "ann", "ben"]))
    assert "chmod 600" in problems and "teacher:" in problems and "ann:" in problems and "ben:" in problems


def test_addresses_and_never_overwritten_copies(tmp_path):
    assert hub.is_loopback("127.0.0.1") and hub.is_loopback("localhost") and hub.is_loopback("::1")
    assert not hub.is_loopback("0.0.0.0") and not hub.is_loopback("192.168.1.20")
    assert hub.room_address("10.0.0.5") == "10.0.0.5"
    source, target = tmp_path / "source", tmp_path / "learner"
    source.mkdir()
    (source / "00.ipynb").write_text("new")
    (source / "01.ipynb").write_text("new")
    (source / ".done").touch()  # the student copies' own bookkeeping stays out of learners' folders
    target.mkdir()
    (target / "00.ipynb").write_text("the learner's work")
    assert hub.copy_missing(source, target) == ["01.ipynb"]
    assert (target / "00.ipynb").read_text() == "the learner's work"


@pytest.mark.skipif(importlib.util.find_spec("jupyterhub") is None, reason="JupyterHub is not installed")
def test_the_room_network_needs_real_passwords(tmp_path):
    (tmp_path / "room").mkdir()
    (tmp_path / "class.txt").write_text("ann\n")
    weak = tmp_path / "room" / "passwords.txt"
    weak.write_text("teacher teacher\nann 1234\n")
    weak.chmod(0o600)
    environment = dict(
        os.environ,
        CLASSROOM_IP="0.0.0.0",
        CLASSROOM_ROOM=str(tmp_path / "room"),
        CLASS_LIST=str(tmp_path / "class.txt"),
    )
    result = subprocess.run(
        [str(JUPYTERHUB), "-f", str(CONFIG)],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0, "the hub started on the room's network with weak passwords"
    assert "Refusing to listen on 0.0.0.0" in result.stdout + result.stderr


def test_idle_timeouts_read_minutes_and_become_jupyter_server_options():
    assert hub.idle_minutes(None, 30, "KERNEL_IDLE") == 30
    assert hub.idle_minutes(" ", 30, "KERNEL_IDLE") == 30
    assert hub.idle_minutes("45", 30, "KERNEL_IDLE") == 45
    assert hub.idle_minutes("0.5", 30, "KERNEL_IDLE") == 0.5
    for bad in ["-1", "half an hour", "nan", "inf"]:
        with pytest.raises(ValueError, match="KERNEL_IDLE="):
            hub.idle_minutes(bad, 30, "KERNEL_IDLE")
    args = hub.idle_culling_args(30, 60)
    assert "--MappingKernelManager.cull_idle_timeout=1800" in args
    assert "--MappingKernelManager.cull_interval=60" in args
    assert "--MappingKernelManager.cull_connected=True" in args, "a tab left open must not keep a kernel"
    assert "--MappingKernelManager.cull_busy=False" in args, "a kernel running a cell must not be stopped"
    assert "--ServerApp.shutdown_no_activity_timeout=3600" in args
    assert "--MappingKernelManager.cull_interval=1" in hub.idle_culling_args(0.1, 0)
    assert hub.idle_culling_args(0, 0) == [], "0 minutes: never"
    assert hub.describe_minutes(30) == "after 30 min" and hub.describe_minutes(0) == "never"


def _load_config(monkeypatch, tmp_path: Path, **environment: str):
    """Load ``classroom/jupyterhub_config.py`` as JupyterHub does, its room in ``tmp_path``; return it."""
    from traitlets.config.loader import PyFileConfigLoader

    (tmp_path / "class.txt").write_text("ann\n")
    monkeypatch.setenv("CLASSROOM_ROOM", str(tmp_path / "room"))
    monkeypatch.setenv("CLASS_LIST", str(tmp_path / "class.txt"))
    for name in ["CLASSROOM_IP", "CLASSROOM_KERNEL_IDLE_MINUTES", "CLASSROOM_SERVER_IDLE_MINUTES"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the configuration adds classroom/ to it
    monkeypatch.setitem(sys.modules, "hub", hub)  # its `import hub`: this module's copy, removed after
    return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()


@pytest.fixture
def config_loader(monkeypatch, tmp_path) -> Iterator:
    """``load(**environment)``: the hub's configuration under that environment (needs JupyterHub)."""
    if importlib.util.find_spec("jupyterhub") is None:
        pytest.skip("JupyterHub is not installed")
    yield lambda **environment: _load_config(monkeypatch, tmp_path, **environment)


def test_the_config_stops_idle_kernels_and_servers(config_loader, capsys):
    args = config_loader().Spawner.args
    assert "--MappingKernelManager.cull_idle_timeout=1800" in args
    assert "--MappingKernelManager.cull_connected=True" in args
    assert "--ServerApp.shutdown_no_activity_timeout=3600" in args
    assert "Idle kernels stop after 30 min, idle learners' servers after 60 min" in capsys.readouterr().out

    args = config_loader(CLASSROOM_KERNEL_IDLE_MINUTES="45", CLASSROOM_SERVER_IDLE_MINUTES="0").Spawner.args
    assert "--MappingKernelManager.cull_idle_timeout=2700" in args
    assert not any("shutdown_no_activity_timeout" in arg for arg in args), "SERVER_IDLE=0: never"
    assert "Idle kernels stop after 45 min, idle learners' servers never" in capsys.readouterr().out

    with pytest.raises(SystemExit, match="SERVER_IDLE='an hour'"):
        config_loader(CLASSROOM_SERVER_IDLE_MINUTES="an hour")
