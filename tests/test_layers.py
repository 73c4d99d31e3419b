"""Every module of the service imports on its own, in a fresh interpreter: no import cycle hides
behind the order in which the app happens to import things. (The one-way layers between packages
are `lint-imports`' contract in pyproject.toml, which `make test` runs.)"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: highest layer first, as in pyproject.toml's contract
PACKAGES = ("service", "resolvers", "schema", "loaders", "models")

#: Forks a child per module; each child imports one module and reports if that fails. Layers go
#: bottom-up (models first), and once a layer is checked the parent imports all of it: a lower layer
#: never imports a higher one (the lint-imports contract), so a cycle through a module lies within its
#: own layer, and preloading the layers below hides none. Children run two at a time per CPU.
_EACH_ALONE = """
import importlib, json, os, sys
layers = json.loads(sys.argv[1])
assert not any(name.split(".")[0] in layers for name in sys.modules), "ours loaded too early"
running, width, failed = set(), 2 * (os.cpu_count() or 1), 0
def reap():
    global failed
    pid, status = os.wait()
    running.discard(pid)
    failed += status != 0
for layer, modules in layers.items():
    for module in modules:
        while len(running) >= width:
            reap()
        pid = os.fork()
        if pid == 0:
            try:
                importlib.import_module(module)
            except BaseException as error:
                print(module, type(error).__name__, str(error)[:300], flush=True)
                os._exit(1)
            os._exit(0)
        running.add(pid)
    while running:
        reap()
    for module in modules:
        importlib.import_module(module)
sys.exit(1 if failed else 0)
"""


def _imported_by_init(package_dir: Path) -> set[str]:
    """Modules a package's __init__ imports as it loads: importing one of them on its own runs that
    __init__ first, so it is checked by importing the package."""
    init = package_dir / "__init__.py"
    if not init.exists():
        return set()
    names = set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def our_modules() -> dict[str, list[str]]:
    """Module names by package, lowest layer first."""
    layers: dict[str, list[str]] = {}
    for package in reversed(PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if parts[-1] == "__init__" or name not in _imported_by_init(path.parent):
                layers.setdefault(package, []).append(name)
    return layers


def test_every_module_imports_on_its_own() -> None:
    layers = our_modules()
    assert sum(map(len, layers.values())) > 60 and "resolvers.root" in layers["resolvers"]
    done = subprocess.run([sys.executable, "-c", _EACH_ALONE, json.dumps(layers)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.stdout == "", f"modules that do not import on their own:\n{done.stdout}"
    assert done.returncode == 0, done.stderr[-2000:]
