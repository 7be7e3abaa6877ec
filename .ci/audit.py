"""Dependency audit for `make lint`: pip-audit over every locked package, on PyPI's vulnerability data.

    .venv/bin/python .ci/audit.py UV        (make audit)

A known vulnerability fails the run. pip-audit looks each locked release up in PyPI's JSON API; a release it cannot
look up is skipped, and without --strict it then still prints "No known vulnerabilities found". So this reads its
JSON report instead: when some look-ups answered and some did not, the run fails (as --strict would); when none
answered at all (a network that serves the package index but not that API), it says SKIPPED, loudly, and passes,
since nothing was checked and nothing was found.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def verdict(report: dict[str, Any]) -> tuple[int, list[str]]:
    """Exit status and the lines to print for one pip-audit JSON report."""
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    lines = [
        f"pip-audit: {d['name']} {d['version']} has {v['id']}"
        + (f" (fixed in {', '.join(v['fix_versions'])})" if v["fix_versions"] else " (no fixed release)")
        for d in vulnerable
        for v in d["vulns"]
    ]
    if vulnerable:
        return 1, [*lines, "pip-audit: upgrade them in uv.lock: uv lock --upgrade-package NAME"]
    if dependencies and len(skipped) == len(dependencies):
        return 0, [
            f"pip-audit: SKIPPED, none of the {len(dependencies)} locked packages could be looked up "
            f"({skipped[0]['skip_reason']}): no package was audited"
        ]
    if skipped:
        return 1, [f"pip-audit: {d['skip_reason']}" for d in skipped]
    return 0, [f"pip-audit: {len(dependencies)} locked packages, no known vulnerability"]


def main(uv: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements, report = Path(tmp) / "requirements.txt", Path(tmp) / "audit.json"
        export = [uv, "export", "--frozen", "--no-emit-workspace", "--all-groups", "--quiet", "-o", str(requirements)]
        subprocess.run(export, check=True)
        audit = [sys.executable, "-m", "pip_audit", "--disable-pip", "--progress-spinner", "off"]
        ran = subprocess.run([*audit, "-r", str(requirements), "-f", "json", "-o", str(report)], capture_output=True)
        if not report.exists() or ran.returncode not in (0, 1):  # 1: vulnerabilities found; anything else broke
            sys.stderr.write(ran.stderr.decode())
            return ran.returncode or 1
        status, lines = verdict(json.loads(report.read_text()))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
