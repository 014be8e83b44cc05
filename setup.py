"""Build step for the wheel (metadata lives in pyproject.toml).

The wheel must deploy on its own: it carries the Alembic migrations (kept at the top level of
the repository, shipped as `app/migrations` in the wheel) and the compiled translation
catalogs (.mo files are not under version control, so they are compiled here from the .po).
`app.database.MIGRATIONS_DIR` finds either place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithDeployData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "app"
        migrations = target / "migrations"
        if migrations.exists():
            shutil.rmtree(migrations)
        shutil.copytree(
            ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        self._compile_catalogs(ROOT / "app" / "translations", target / "translations")

    @staticmethod
    def _compile_catalogs(source: Path, target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
            mo_path = target / po_path.relative_to(source).with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithDeployData})
