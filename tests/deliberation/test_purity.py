"""The deliberation package stays free of Django (the platform and the command share it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import participai.deliberation


def test_no_module_of_the_package_imports_django():
    modules = sorted(
        f"participai.deliberation.{module.name}"
        for module in pkgutil.iter_modules(participai.deliberation.__path__)
    )
    assert {"participai.deliberation.groups", "participai.deliberation.topics"} <= set(modules)
    # One fresh interpreter for all of them: this test process has Django loaded.
    code = (
        f"import sys, {', '.join(modules)}\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
