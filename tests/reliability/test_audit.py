"""The CI's vulnerability audit (.ci/audit.py): a known vulnerability fails the build, a
service that audited nothing is a note, not a failure."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"


def _audit():
    spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLICK = {"name": "click", "version": "8.5.1", "vulns": []}
OLD_JINJA = {
    "name": "jinja2",
    "version": "2.4",
    "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "aliases": ["CVE-2019-10906"]}],
}
EDITABLE = {"name": "eventwire", "skip_reason": "Dependency not found on PyPI (editable)"}


def test_a_known_vulnerability_fails_and_is_named():
    code, lines = _audit().verdict({"dependencies": [CLICK, OLD_JINJA, EDITABLE]})
    assert code == 1
    assert any("jinja2 2.4: PYSEC-2019-217 (CVE-2019-10906); fixed in 2.10.1" in ln for ln in lines)


def test_an_ignored_vulnerability_with_its_reason_passes():
    code, lines = _audit().verdict(
        {"dependencies": [CLICK, OLD_JINJA]}, ignored={"PYSEC-2019-217": "templates are ours"}
    )
    assert code == 0 and any("ignored PYSEC-2019-217: templates are ours" in ln for ln in lines)


def test_nothing_audited_is_a_note_not_a_failure():
    skipped = [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in ("click", "duckdb")
    ]
    code, lines = _audit().verdict({"dependencies": skipped})
    assert code == 0 and "nothing was audited" in lines[0] and "NOTE" in lines[0]


def test_a_clean_audit_says_how_much_was_audited():
    code, lines = _audit().verdict({"dependencies": [CLICK, EDITABLE]})
    assert code == 0 and "no known vulnerabilities in 1 audited packages (1 skipped" in lines[0]
