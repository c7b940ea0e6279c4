"""The built wheel works on its own: resources and migrations are found once installed."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_answers_sla_due(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
    )
    (wheel,) = wheels.glob("deskapp-*.whl")
    target = tmp_path / "env"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    environment["DESKAPP_OFFICE_TZ"] = "America/New_York"
    result = subprocess.run(
        [str(target / "bin" / "deskapp"), "sla", "due", "--vendor", "magaya", "--severity", "2",
         "--metric", "response", "--start", "2026-12-04T19:40"],
        capture_output=True, text=True, cwd=tmp_path, env=environment, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-12-05T08:40:00-05:00\n"
    # The package found its folders inside site-packages, not in this checkout.
    located = subprocess.run(
        [str(python), "-c",
         "from deskapp.paths import policies_dir, migrations_dir;"
         "print(policies_dir()); print(migrations_dir())"],
        capture_output=True, text=True, cwd=tmp_path, env=environment, check=True,
    ).stdout.split()
    assert all("site-packages" in path for path in located)
