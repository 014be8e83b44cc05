"""pyproject.toml declares what the wheel's build needs in the form current setuptools reads
without deprecation warnings: the licence as an SPDX expression (PEP 639; the TOML table is
deprecated), and a setuptools that reads it (77 or later). `deploy/check-wheel.sh` builds it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def test_the_licence_is_an_spdx_expression() -> None:
    licence = _pyproject()["project"]["license"]
    assert isinstance(licence, str), f"a TOML table is deprecated: {licence!r}"
    assert canonicalize_license_expression(licence) == licence


def test_the_build_asks_for_a_setuptools_that_reads_it() -> None:
    [setuptools] = [Requirement(r) for r in _pyproject()["build-system"]["requires"]
                    if Requirement(r).name == "setuptools"]
    lowest = [Version(s.version) for s in setuptools.specifier if s.operator in (">=", "==")]
    assert lowest and min(lowest) >= Version("77")
