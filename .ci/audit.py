"""Known vulnerabilities in the installed packages: pip-audit with PyPI's vulnerability data.

    python .ci/audit.py              # audit the environment this Python runs in
    python .ci/audit.py --report F   # judge a report pip-audit wrote (--format json)

PyPI is the only service CI reaches (not OSV), so pip-audit asks PyPI's JSON API, which
lists each release's known vulnerabilities. Exit 1 when a package has one that is not
ignored below with its reason; exit 0 with a clear note when the service could not be
reached or answered for no package (nothing was audited: that alone does not fail CI);
exit 2 when pip-audit itself is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

#: Vulnerability id -> why it does not apply to eventwire (passed as --ignore-vuln).
IGNORED: dict[str, str] = {}

NOTE = "make audit: NOTE:"


def verdict(report: dict, ignored: dict[str, str] = IGNORED) -> tuple[int, list[str]]:
    """(exit code, lines to print) for a pip-audit JSON report."""
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    skipped = [d for d in deps if "skip_reason" in d]
    found = [(d, v) for d in audited for v in d.get("vulns", []) if v.get("id") not in ignored]
    if found:
        lines = [f"make audit: {len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'}:"]
        for dep, vuln in found:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"  {dep['name']} {dep['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixed}"
            )
        lines.append(
            "upgrade the pin in pyproject.toml, or ignore it in .ci/audit.py with a reason"
        )
        return 1, lines
    if not audited:
        first = skipped[0]["skip_reason"] if skipped else "no packages listed"
        return 0, [
            f"{NOTE} PyPI's vulnerability data answered for none of the {len(deps)} "
            f"installed packages, so nothing was audited (e.g. {first}).",
            f"{NOTE} PyPI's per-release JSON API is not reachable from here; run `make audit` "
            "where it is. Not a failure of this build.",
        ]
    lines = [
        f"make audit: no known vulnerabilities in {len(audited)} audited packages "
        f"({len(skipped)} skipped, e.g. editable or not on PyPI)"
    ]
    lines += [f"  ignored {k}: {why}" for k, why in ignored.items()]
    return 0, lines


def run_pip_audit(python: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report on the environment of ``python`` (None when it gave none)."""
    exe = Path(python).with_name("pip-audit")
    command = [str(exe)] if exe.exists() else [shutil.which("pip-audit") or "pip-audit"]
    command += ["--progress-spinner", "off", "--skip-editable", "--format", "json"]
    command += ["--vulnerability-service", "pypi", "--desc", "off"]
    for vuln in IGNORED:
        command += ["--ignore-vuln", vuln]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except FileNotFoundError:
        print("make audit: pip-audit is not installed (it is in the test extra)", file=sys.stderr)
        sys.exit(2)
    except subprocess.TimeoutExpired:
        return None, "pip-audit did not finish within 15 minutes"
    try:
        return json.loads(done.stdout), done.stderr
    except json.JSONDecodeError:
        return None, (done.stderr or done.stdout).strip()[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, help="a pip-audit JSON report to judge")
    args = parser.parse_args()
    if args.report:
        report, errors = json.loads(args.report.read_text()), ""
    else:
        report, errors = run_pip_audit(sys.executable)
    if report is None:
        print(
            f"{NOTE} pip-audit could not reach PyPI's vulnerability data, so nothing was "
            "audited; not a failure of this build. What it said:",
            file=sys.stderr,
        )
        print(errors, file=sys.stderr)
        return 0
    code, lines = verdict(report)
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
