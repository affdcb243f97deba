"""The built wheel is the whole bot: installed into a fresh environment, it answers anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from the files the Dockerfile copies, so neither leaves anything out (and the
    # checkout gets no build/ folder).
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("bot", "knowledge", "intents"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--wheel-dir", str(out), str(source)], check=True)
    [built] = out.glob("careerbot-*.whl")
    return built


def test_the_wheel_holds_every_module_and_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "bot").rglob("*.py")}
    data = {f"bot/data/{p.relative_to(ROOT).as_posix()}"
            for folder in ("knowledge", "intents") for p in (ROOT / folder).rglob("*.yaml")}
    assert modules and data
    assert modules - names == set()
    assert data - names == set()


def test_the_installed_wheel_answers_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    scripts = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(scripts / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CAREERBOT_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    answer = subprocess.run([str(scripts / "career-bot"), "ask", "what does a medical coder earn?"],
                            cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    assert "$" in answer.stdout and "median" in answer.stdout.lower()
    assert "BLS, May 2024" in answer.stdout  # the pay figure with its source
    check = subprocess.run([str(scripts / "career-bot"), "check"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1].startswith("ok: 1 career(s), 8 schools")
