"""A real (not editable) install of the wheel finds its fonts and seed data.

The wheel is built from a copy of the source (so the repository is never
written to), installed with ``--no-deps`` into a fresh venv in a temp dir, and
run from a folder outside the repository. The fresh venv borrows this test
run's dependencies (PySide6, reportlab, openpyxl…) through a ``.pth`` line
naming this environment's site-packages: the line puts those folders on
``sys.path`` without running their own ``.pth`` files, so an editable fowdesk
installed here cannot leak in; the venv's own copy of fowdesk comes first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SMOKE_CHECK = REPO / "packaging" / "smoke_check.py"
# What a source checkout holds at its top that a wheel build must not need.
_NOT_SOURCE_AT_TOP = {
    ".git", ".venv", "venv", "build", "dist", ".hypothesis", ".benchmarks", ".mypy_cache",
    ".ruff_cache", ".pytest_cache", "db", "exports", "tests", "bench",
}  # fmt: skip


def _not_source(folder: str, names: list[str]) -> set[str]:
    ignored = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    if Path(folder) == REPO:
        ignored |= _NOT_SOURCE_AT_TOP & set(names)
    return ignored


@dataclass(frozen=True)
class InstalledFowdesk:
    wheel: Path
    python: Path
    fowdesk: Path
    site_packages: Path


def _venv_bin(root: Path, name: str) -> Path:
    scripts = root / ("Scripts" if os.name == "nt" else "bin")
    return scripts / (f"{name}.exe" if os.name == "nt" else name)


def _run(args: list[object], cwd: Path, env: dict[str, str] | None = None, timeout: int = 120):
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledFowdesk:
    root = tmp_path_factory.mktemp("wheel-install")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_not_source)
    wheels = root / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source],
        cwd=root,
        timeout=600,
    )
    (wheel,) = wheels.glob("fowdesk-*.whl")

    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    python = _venv_bin(env_dir, "python")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        cwd=root,
        timeout=300,
    )
    site_packages = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=root,
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (site_packages / "_fowdesk_test_deps.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )
    return InstalledFowdesk(wheel, python, _venv_bin(env_dir, "fowdesk"), site_packages)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder far from the repository, with its own home."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FOWDESK_DB")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), QT_QPA_PLATFORM="offscreen")
    return env


def test_the_wheel_carries_the_fonts_icons_and_seed_programmes(installed: InstalledFowdesk):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for needed in (
        "fowdesk/resources/fonts/DejaVuSans.ttf",
        "fowdesk/resources/fonts/DejaVuSans-Bold.ttf",
        "fowdesk/resources/icons/fowdesk.png",
        "fowdesk/seeds/index.json",
        "fowdesk/seeds/fow.json",
        "fowdesk/seeds/ds2430.json",
    ):
        assert needed in names


def test_an_installed_fowdesk_finds_its_fonts_and_seeds_beside_itself_not_in_the_source_tree(
    installed: InstalledFowdesk, elsewhere: Path
):
    probe = (
        "import json, fowdesk\n"
        "from importlib import resources\n"
        "from fowdesk import paths\n"
        "print(json.dumps({'package': fowdesk.__file__,\n"
        "  'font': str(paths.resource('fonts', 'DejaVuSans.ttf')),\n"
        "  'seeds': str(resources.files('fowdesk.seeds').joinpath('fow.json')),\n"
        "  'checkout': str(paths.source_checkout_dir())}))\n"
    )
    found = json.loads(
        _run([installed.python, "-c", probe], cwd=elsewhere, env=_clean_env(elsewhere)).stdout
    )
    site = installed.site_packages.resolve()
    for key in ("package", "font", "seeds"):
        where = Path(found[key]).resolve()
        assert where.is_relative_to(site), f"{key} came from {where}, not {site}"
        assert not where.is_relative_to(REPO), f"{key} came from the source tree: {where}"
        assert where.is_file()
    assert found["checkout"] == "None"


def test_an_installed_fowdesk_run_from_another_folder_creates_the_seeded_programmes(
    installed: InstalledFowdesk, elsewhere: Path
):
    env = _clean_env(elsewhere)
    _run([installed.fowdesk, "init", "council.db"], cwd=elsewhere, env=env)
    dumped = json.loads(
        _run(
            [installed.fowdesk, "--db", "council.db", "export", "json", "-o", "-"],
            cwd=elsewhere,
            env=env,
        ).stdout
    )
    programmes = {p["code"]: p for p in dumped["programmes"]}
    assert list(programmes) == ["FOW", "DS2430"]
    assert programmes["FOW"]["title"] == "Future of Work in Southampton programme"
    assert [item["ref"] for item in programmes["FOW"]["items"]] == [str(n) for n in range(1, 20)]


def test_an_installed_fowdesk_exports_a_pdf_with_dejavu_embedded_and_an_excel_return(
    installed: InstalledFowdesk, elsewhere: Path
):
    env = _clean_env(elsewhere)
    _run([installed.fowdesk, "init", "council.db"], cwd=elsewhere, env=env)
    for kind in ("pdf", "xlsx"):
        output = elsewhere / f"out.{kind}"
        _run(
            [installed.fowdesk, "--db", "council.db", "export", kind, "-o", output],
            cwd=elsewhere,
            env=env,
            timeout=180,
        )
        checked = _run([sys.executable, SMOKE_CHECK, kind, output], cwd=elsewhere)
        assert checked.stdout.startswith("ok")
    pdf_fonts = _run([sys.executable, SMOKE_CHECK, "pdf", elsewhere / "out.pdf"], cwd=elsewhere)
    assert "DejaVuSans" in pdf_fonts.stdout


def test_an_installed_fowdesk_imports_the_return_it_exported(
    installed: InstalledFowdesk, elsewhere: Path
):
    """The import is a package of its own (fowdesk.exports.xlsx_import): the wheel carries it."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "fowdesk/exports/xlsx_import/merge.py" in names
    env = _clean_env(elsewhere)
    _run([installed.fowdesk, "init", "council.db"], cwd=elsewhere, env=env)
    _run(
        [installed.fowdesk, "--db", "council.db", "export", "xlsx", "-o", "return.xlsx"],
        cwd=elsewhere,
        env=env,
        timeout=180,
    )
    done = _run(
        [installed.fowdesk, "--db", "council.db", "import", "return.xlsx"],
        cwd=elsewhere,
        env=env,
        timeout=180,
    )
    assert "No changes: the return matches the database." in done.stdout
