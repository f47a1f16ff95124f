"""The architecture is documented in the repository, and every pointer to it leads somewhere:
a comment names a section that exists, and nothing cites a document a clone does not have."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
SKIP = {".venv", ".tools", "node_modules", "var", "staticfiles", ".git", "vendor", "__pycache__"}
SKIP |= {".mypy_cache", ".ruff_cache", ".pytest_cache", "locale"}
# Documents that once lived outside the repository (spelt apart so this file does not cite them).
ABSENT = re.compile("(" + "DESIGN|RELIABILITY" + r")\.md|\bshared" + "/")


def project_files() -> list[Path]:
    suffixes = {".py", ".md", ".html", ".txt", ".toml", ".yml", ".cfg"}
    names = {"Makefile", "Dockerfile", "Procfile"}
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIP]
        found += [
            Path(folder) / name for name in files if Path(name).suffix in suffixes or name in names
        ]
    return [path for path in found if path != Path(__file__)]


def sections() -> set[str]:
    return {m[1].strip() for m in re.finditer(r"^#{2,3} (.+)$", DOC.read_text(), re.MULTILINE)}


def test_nothing_cites_a_document_outside_the_repository():
    cited = [
        str(path.relative_to(ROOT))
        for path in project_files()
        if ABSENT.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert cited == []


def test_every_section_the_code_points_to_exists():
    pointer = re.compile(r'docs/architecture\.md,? "([^"]+)"')
    pointed = set()
    for path in project_files():
        # A pointer may run over two comment lines: join them first.
        text = re.sub(r"\s*\n\s*#?\s*", " ", path.read_text(encoding="utf-8", errors="replace"))
        pointed |= {(str(path.relative_to(ROOT)), m[1]) for m in pointer.finditer(text)}
    assert pointed, "no comment points to a section"
    missing = sorted((where, name) for where, name in pointed if name not in sections())
    assert missing == []


def test_the_readme_links_the_architecture():
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text()
    assert {"The layers", "The life of a help request", "The outbox", "Adding an app"} <= sections()
