"""A library a notebook user can discover: dir(), help() and docstring examples that run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import pydoc
import subprocess
import sys

import pytest

import chrono

PUBLIC = [n for n in chrono.__all__ if n != "__version__"]
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(chrono.__path__, "chrono.")
    if not m.name.startswith("chrono.cli")  # click commands: their help is tested
)


def test_dir_lists_the_api_without_importing_pandas() -> None:
    code = (
        "import sys, chrono\n"
        "names = dir(chrono)\n"
        "print(sorted(n for n in names if not n.startswith('_')))\n"
        "print([m for m in ('pandas', 'pyarrow') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [str(sorted(PUBLIC)), "[]"]
    assert set(PUBLIC) <= set(dir(chrono))


def test_help_shows_every_function() -> None:
    text = pydoc.render_doc(chrono, renderer=pydoc.plaintext)
    docstring = chrono.__doc__ or ""
    for name in PUBLIC:
        obj = getattr(chrono, name)
        if inspect.ismodule(obj):  # chrono.export: a module of functions
            assert f"    {name}  " in docstring, name
            continue
        assert f"    {name}(" in text or f"class {name}(" in text, name
        if not inspect.isclass(obj):
            assert f"    {name}(" in docstring, name


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_function_has_an_example(name: str) -> None:
    obj = getattr(chrono, name)
    if inspect.isclass(obj) or inspect.ismodule(obj):
        return  # DatasetError (shown in the examples that raise it); chrono.export's module
    doc = inspect.getdoc(obj) or ""
    assert ">>> " in doc, f"chrono.{name} has no example"
    assert len(doc.split("\n\n", 1)[0]) > 20, f"chrono.{name}: say what it does first"


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str) -> None:
    mod = importlib.import_module(module)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(mod, optionflags=flags, verbose=False, report=True)
    assert result.failed == 0, f"{module}: {result.failed} example(s) failed (see the output)"


def test_the_public_modules_have_examples() -> None:
    finder = doctest.DocTestFinder()
    counted = {
        m: sum(len(t.examples) for t in finder.find(importlib.import_module(m)))
        for m in (
            "chrono",
            "chrono.loaders",
            "chrono.trail",
            "chrono.validation",
            "chrono.validation.engine",
            "chrono.validation.notebook",
            "chrono.diffing",
            "chrono.diffing.dataset",
            "chrono.diffing.notebook",
            "chrono.diffing.latex",
            "chrono.discover",
            "chrono.model.dates",
        )
    }
    assert all(counted.values()), [m for m, n in counted.items() if not n]


def test_the_examples_of_every_public_name_run_as_help_shows_them() -> None:
    """help(chrono.parse_date) shows chrono.model.dates.parse's docstring: its examples
    run with nothing but ``chrono`` imported, as a reader would paste them."""
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for name in PUBLIC:
        obj = getattr(chrono, name)
        if not callable(obj):
            continue
        for test in finder.find(obj, f"chrono.{name}", globs={"chrono": chrono}):
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_chrono_export_is_importable_by_the_name_the_docs_use() -> None:
    code = (
        "import chrono.export, chrono.views.export, chrono\n"
        "assert chrono.export is chrono.views.export is chrono.__dict__['export']\n"
        "print(chrono.export.to_csv.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "to_csv\n"
