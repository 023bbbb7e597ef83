"""The checks of .pre-commit-config.yaml, and the mandatory ones of pylint-odoo that
matter here (translation-required, sql-injection, no commit of our own), run as tests.

The pylint-odoo checks are written as small AST walks over the addon rather than by
installing pylint: they are the three rules STYLE.md names, nothing more.
"""

import ast
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADDON = REPO / "account_dunning_be"
EXCEPTIONS = {"UserError", "ValidationError", "AccessError", "RedirectWarning"}


def _addon_sources():
    return sorted(p for p in ADDON.rglob("*.py") if "tests" not in p.parts)


def _is_literal(node):
    """A message written in place: ``"..."``, ``f"..."`` or ``"..." % x`` (what
    pylint-odoo's translation-required flags); a variable holding a message translated
    earlier is fine."""
    if isinstance(node, ast.BinOp):
        node = node.left
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff")
    assert ruff, "ruff is missing from the venv: run 'make setup'"
    result = subprocess.run([ruff, "check", "--no-cache", "--output-format=concise", str(REPO)],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_errors_are_translated():
    untranslated = []
    for path in _addon_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in EXCEPTIONS and node.exc.args and _is_literal(node.exc.args[0]):
                untranslated.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not untranslated, "messages not passed through _(): " + ", ".join(untranslated)


def test_sql_is_parameterised_and_never_committed():
    problems = []
    for path in _addon_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if node.func.attr == "commit":
                problems.append(f"{where} commits")
            if node.func.attr == "execute" and node.args:
                query = node.args[0]
                formats = (isinstance(query, ast.Call)
                           and getattr(query.func, "attr", "") == "format")
                if formats or isinstance(query, (ast.JoinedStr, ast.BinOp)):
                    problems.append(f"{where} builds SQL by string formatting")
    assert not problems, ", ".join(problems)
