"""setup.py packages the addon as a wheel that installs into ``odoo/addons``.

Subprocess tests: they run pip (``sys.executable -m pip``, no network, no build
isolation) and a Python interpreter with the Odoo tree (``ODOO_SRC``, else the directory
the imported ``odoo`` package comes from) on PYTHONPATH. The wheel is built from a clean
copy of the sources, so the shared working tree gets no build leftovers.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ADDON = "account_dunning_be"
PREFIX = f"odoo/addons/{ADDON}/"


def odoo_src():
    src = os.environ.get("ODOO_SRC")
    if not src:
        import odoo

        src = str(Path(next(iter(odoo.__path__))).parent)
    assert (Path(src) / "odoo" / "release.py").exists(), (
        f"no Odoo tree at {src}: set ODOO_SRC or run 'make test'"
    )
    return src


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600, **kwargs)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    shutil.copy2(REPO / "setup.py", src / "setup.py")
    if (REPO / "README.md").exists():
        shutil.copy2(REPO / "README.md", src / "README.md")
    shutil.copytree(REPO / ADDON, src / ADDON, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INDEX="1")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out), "."],
        cwd=src, env=env,
    )
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], src / ADDON


def test_wheel_contents(wheel):
    wheel, addon = wheel
    assert wheel.name.startswith("odoo_addon_account_dunning_be-")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(metadata).decode()
    # the addon sits in odoo/addons, with its manifest, law/ and every data table
    assert PREFIX + "__manifest__.py" in names
    assert PREFIX + "law/__init__.py" in names
    for csv in (addon / "data" / "legal").glob("*.csv"):
        assert PREFIX + f"data/legal/{csv.name}" in names, csv.name
    assert any(n.startswith(PREFIX + "data/legal/") and n.endswith(".csv") for n in names)
    # every non-Python file of the addon (xml, csv, po/pot, static, ...) is shipped
    for path in addon.rglob("*"):
        rel = path.relative_to(addon)
        if path.is_file():
            assert PREFIX + rel.as_posix() in names, f"{rel} missing from the wheel"
    # the namespace packages belong to Odoo: never shipped
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names
    assert not any(n.startswith("odoo/") and not n.startswith(PREFIX) for n in names)
    # version from the manifest; xlrd is the only requirement, Odoo is none
    assert "Version: 18.0." in meta
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert [r.split(":", 1)[1].strip().split()[0] for r in requires] == ["xlrd"]


def test_wheel_installs_beside_odoo(wheel, tmp_path):
    wheel, _addon = wheel
    target = tmp_path / "site"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INDEX="1")
    run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)], env=env)
    assert (target / "odoo" / "addons" / ADDON / "__manifest__.py").exists()
    assert not (target / "odoo" / "__init__.py").exists()
    code = (
        "import odoo.addons.account_dunning_be.law as law, os, sys\n"
        "path = os.path.realpath(law.__file__)\n"
        "assert path.startswith(os.path.realpath(sys.argv[1])), path\n"
        "print(path)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([odoo_src(), str(target)])
    proc = run([sys.executable, "-c", code, str(target)], env=env, cwd=tmp_path)
    assert f"odoo/addons/{ADDON}/law/__init__.py" in proc.stdout
