"""Package the addon as ``odoo-addon-account_dunning_be``.

``pip install .`` installs the addon as ``odoo.addons.account_dunning_be`` beside an
Odoo 18.0 source tree. Odoo's ``odoo`` and ``odoo.addons`` are pkgutil namespace
packages, so the wheel ships only ``odoo/addons/account_dunning_be/`` (code and every
data file: XML, CSV, PO/POT, static assets, the law/ tables) and never
``odoo/__init__.py`` nor ``odoo/addons/__init__.py``. Odoo itself is not a
requirement: it comes from its source tree (ODOO_SRC), not from the package index.
"""

import ast
import os
import shutil

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = "account_dunning_be"
PREFIX = "odoo.addons." + ADDON
# Source-control and build leftovers that never belong in the wheel.
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".hypothesis"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", "~")


def read_manifest():
    with open(os.path.join(HERE, ADDON, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def data_files_of(package_dir):
    """Every non-Python file under ``package_dir``, relative to it (for package_data)."""
    found = []
    for root, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            in_migrations = "migrations" in os.path.relpath(root, package_dir).split(os.sep)
            if (name.endswith(".py") and not in_migrations) or name.endswith(SKIP_SUFFIXES) \
                    or name.startswith("."):
                # migration scripts are not packages: they ship as data, as Odoo reads them
                continue
            found.append(os.path.relpath(os.path.join(root, name), package_dir))
    return found


def read_readme():
    path = os.path.join(HERE, "README.md")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


manifest = read_manifest()
addon_dir = os.path.join(HERE, ADDON)
subpackages = find_packages(addon_dir, exclude=["*.__pycache__"])

# Build artefacts go under build/setuptools (build/ also holds env.sh and odoo.conf).
# The staging copy is emptied first: build_py never deletes a file that left the
# addon, and a stale copy would otherwise end up in the wheel.
build_base = os.path.join("build", "setuptools")
shutil.rmtree(os.path.join(HERE, build_base, "lib"), ignore_errors=True)
os.makedirs(os.path.join(HERE, build_base), exist_ok=True)

setup(
    name="odoo-addon-" + ADDON,
    version=manifest["version"],
    description=manifest.get("summary", manifest["name"]),
    long_description=read_readme(),
    long_description_content_type="text/markdown",
    author=manifest.get("author"),
    license=manifest.get("license"),
    python_requires=">=3.10",
    # Odoo is deliberately absent: it comes from the Odoo source tree.
    install_requires=["xlrd"],
    package_dir={
        PREFIX: ADDON,
        **{PREFIX + "." + p: os.path.join(ADDON, *p.split(".")) for p in subpackages},
    },
    packages=[PREFIX] + [PREFIX + "." + p for p in subpackages],
    package_data={PREFIX: data_files_of(addon_dir)},
    include_package_data=False,
    zip_safe=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "Programming Language :: Python :: 3",
    ],
    options={
        "build": {"build_base": build_base},
        "egg_info": {"egg_base": build_base},
    },
)
