"""The app ships with the package: the wheel holds the Streamlit app and its pages, and the
installed package finds and runs them from any directory, without the repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from journey_sla.paths import app_script
from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "monthly_review", "sla_matrix", "target_tuning", "due_next", "routing", "recycles",
    "journey_explorer", "data_health",
]  # fmt: skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel --no-deps` of a copy of the sources (no build files in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("journey_sla", "app"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out),
         str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return next(out.glob("journey_sla-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked as site-packages would hold it."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_holds_every_module_of_the_package_and_the_app(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "journey_sla_app/streamlit_app.py" in names
    assert {f"journey_sla_app/app_pages/{page}.py" for page in PAGES} <= names
    expected = {
        path.relative_to(ROOT).as_posix() for path in (ROOT / "journey_sla").rglob("*.py")
    } | {
        "journey_sla_app/" + path.relative_to(ROOT / "app").as_posix()
        for path in (ROOT / "app").rglob("*.py")
    }
    assert expected <= names, sorted(expected - names)


def test_the_cli_finds_the_installed_app_outside_the_repository(
    installed: Path, tmp_path: Path
) -> None:
    # -S: no site-packages, so neither the editable install nor the checkout can answer.
    code = (
        "import json, journey_sla.cli as cli\n"
        "print(json.dumps({'command': cli.app_command('w.duckdb', 8599), "
        "'package': cli.__file__}))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path, env=cli_env(PYTHONPATH=str(installed)), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    answer = json.loads(result.stdout)
    script = Path(answer["command"][4])
    assert script == installed / "journey_sla_app" / "streamlit_app.py"
    assert script.is_file()
    assert Path(answer["package"]).is_relative_to(installed)
    assert answer["command"][1:4] == ["-m", "streamlit", "run"]
    # Served without Streamlit's file watcher and forced GC after each run (BENCHMARKS.md).
    command = " ".join(answer["command"])
    assert "--server.fileWatcherType none" in command
    assert "--server.runOnSave false" in command
    assert "--runner.postScriptGC false" in command


def test_the_editable_install_serves_the_checkouts_app() -> None:
    assert app_script() == ROOT / "app" / "streamlit_app.py"


def test_the_installed_app_renders_its_pages_outside_the_repository(
    installed: Path, built_warehouse: Path, tmp_path: Path
) -> None:
    """The wheel's router and pages run (AppTest) from an empty folder, importing the
    wheel's journey_sla, not the checkout's."""
    code = f"""
import json
import journey_sla.app_logic.data as data
from journey_sla.paths import app_script
from streamlit.testing.v1 import AppTest

app = AppTest.from_file(str(app_script()), default_timeout=120)
app.run()
titles = [app.title[0].value] if not app.exception else [str(app.exception)]
for page in {PAGES[1:]!r}:
    app.switch_page(f"app_pages/{{page}}.py").run()
    titles.append(str(app.exception) if app.exception else app.title[0].value)
print(json.dumps({{"script": str(app_script()), "data": data.__file__, "titles": titles}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env=cli_env(PYTHONPATH=str(installed), JOURNEY_SLA_DB=str(built_warehouse)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(answer["script"]).is_relative_to(installed)
    assert Path(answer["data"]).is_relative_to(installed)
    assert answer["titles"] == [
        "Monthly review", "SLA matrix", "Target tuning", "Due next & breaches", "Routing",
        "Recycles", "Journey explorer", "Data health",
    ]  # fmt: skip
