"""Tests of the package faces: ``package.name`` reaches exactly the names in its modules' ``__all__``.

The same rule for every package, whether its ``__init__.py`` imports the modules eagerly (plots, imageprep)
or on first use (tboard, which would otherwise import TensorFlow).
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

PACKAGES = ("dvdl_helpers.plots", "dvdl_helpers.imageprep", "dvdl_helpers.tboard")


def modules_of(package_name: str) -> list:
    """The package's modules (``__main__`` and private ones left out), imported."""
    package = importlib.import_module(package_name)
    return [
        importlib.import_module(f"{package_name}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


@pytest.mark.parametrize("package_name", PACKAGES)
def test_the_face_is_the_union_of_the_modules_all(package_name):
    package = importlib.import_module(package_name)
    listed = {}
    for module in modules_of(package_name):
        assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
        for name in module.__all__:
            assert name not in listed, f"{name} is listed by {listed.get(name)} and {module.__name__}"
            listed[name] = module.__name__
            assert getattr(package, name) is getattr(module, name), f"{package_name}.{name}"
    assert sorted(package.__all__) == sorted(listed)
    assert set(package.__all__) <= set(dir(package))


def test_an_unknown_name_says_which_package_lacks_it():
    from dvdl_helpers import tboard

    with pytest.raises(AttributeError, match=r"dvdl_helpers\.tboard.*confusion_counts"):
        tboard.confusion_counts  # noqa: B018 (it lives in plots)


def test_the_tboard_face_imports_no_tensorflow():
    code = (
        "import sys; from dvdl_helpers import tboard; tboard.notebook_logdir; tboard.__all__; dir(tboard); "
        "assert 'tensorflow' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
