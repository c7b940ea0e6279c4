"""`make run` installs the window's system libraries where it can, else names the command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-deps.sh"


def fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_without_root_or_sudo_it_names_the_one_command_to_run(tmp_path: Path) -> None:
    fake(tmp_path, "dpkg-query", "exit 1")  # nothing installed
    fake(tmp_path, "id", "echo 1000")  # not root
    fake(tmp_path, "sudo", "exit 1")  # and sudo asks for a password
    fake(tmp_path, "apt-get", "echo apt-get must not run >&2; exit 3")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(SCRIPT), "window"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("deskapp needs these system packages; run: sudo apt-get install -y ")
    assert "libxcb-cursor0" in line and "postgresql" not in line


def test_with_everything_installed_it_does_nothing(tmp_path: Path) -> None:
    fake(tmp_path, "dpkg-query", "printf 'install ok installed'")
    fake(tmp_path, "apt-get", "exit 3")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
