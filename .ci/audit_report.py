"""Reads a scanner's JSON report and decides what CI does with it (see .ci/scan).

    audit_report.py pip-audit REPORT.json IGNORE_FILE
    audit_report.py npm-audit REPORT.json IGNORE_FILE [--report-only]
    audit_report.py bandit REPORT.json

Exit 0: nothing to fix (or the service could not be reached: said loudly, see below);
exit 1: a finding that is not a reviewed exception. A service that cannot be reached prints
"NOT AUDITED" and exits 3, which .ci/scan turns into a warning unless AUDIT_REQUIRED=1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOT_AUDITED = 3


def ignored(path: str) -> dict[str, str]:
    entries = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        ident, _, reason = line.partition("#")
        if not reason.strip():
            sys.exit(f"{path}: every exception needs a reason after '#': {line!r}")
        entries[ident.strip()] = reason.strip()
    return entries


def load(path: str):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None


def pip_audit(report_path: str, ignore_path: str) -> int:
    report = load(report_path)
    exceptions = ignored(ignore_path)
    if not report or "dependencies" not in report:
        print("pip-audit: NOT AUDITED: no report (the vulnerability service could not be reached)")
        return NOT_AUDITED
    deps = report["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [
        (d["name"], d["version"], v)
        for d in deps
        for v in d.get("vulns", [])
        if v["id"] not in exceptions and not set(v.get("aliases", [])) & set(exceptions)
    ]
    for name, version, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"pip-audit: {name} {version}: {vuln['id']} (fixed in {fixes})")
    audited = len(deps) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(deps)} pinned packages audited, {len(found)} "
        f"vulnerabilities not in the reviewed exceptions ({len(exceptions)} listed)"
    )
    if found:
        return 1
    if skipped:
        reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
        print(f"pip-audit: NOT AUDITED: {len(skipped)} packages: {'; '.join(reasons)}")
        return NOT_AUDITED
    return 0


def npm_audit(report_path: str, ignore_path: str, report_only: bool) -> int:
    report = load(report_path)
    exceptions = ignored(ignore_path)
    label = "npm audit (with devDependencies, report only)" if report_only else "npm audit"
    if not report or "vulnerabilities" not in report:
        why = (report or {}).get("message") or "no report"
        print(f"{label}: NOT AUDITED: the registry's audit service answered: {why}")
        return NOT_AUDITED
    failing = []
    for name, entry in sorted(report["vulnerabilities"].items()):
        for via in entry.get("via", []):
            if not isinstance(via, dict):
                continue  # reached through another package, listed under that one
            url = via.get("url", "")
            ident = url.rsplit("/", 1)[-1]
            reviewed = ident in exceptions or url in exceptions
            print(
                f"{label}: {name} {via.get('range', '')}: {via.get('severity')} {ident} "
                f"{via.get('title', '')}{' (reviewed exception)' if reviewed else ''}"
            )
            if via.get("severity") in ("high", "critical") and not reviewed:
                failing.append(ident)
    counts = report.get("metadata", {}).get("vulnerabilities", {})
    print(f"{label}: {counts or 'no vulnerabilities'}")
    return 1 if failing and not report_only else 0


def bandit(report_path: str) -> int:
    report = load(report_path)
    if report is None:
        print("bandit: no report")
        return 1
    for error in report.get("errors", []):
        print(f"bandit: could not scan {error.get('filename')}: {error.get('reason')}")
    results = report.get("results", [])
    high = [r for r in results if r["issue_severity"] == "HIGH"]
    for r in sorted(results, key=lambda r: (r["issue_severity"] != "HIGH", r["filename"])):
        if r["issue_severity"] in ("HIGH", "MEDIUM"):
            print(
                f"bandit: {r['issue_severity']}/{r['issue_confidence']} {r['test_id']} "
                f"{r['filename']}:{r['line_number']} {r['issue_text']}"
            )
    totals = report.get("metrics", {}).get("_totals", {})
    medium = sum(r["issue_severity"] == "MEDIUM" for r in results)
    low = sum(r["issue_severity"] == "LOW" for r in results)
    print(
        f"bandit: {len(high)} high, {medium} medium (listed above for review), {low} low; "
        f"{totals.get('loc', '?')} lines scanned, {totals.get('nosec', 0)} '# nosec'"
    )
    return 1 if high or report.get("errors") else 0


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "pip-audit":
        sys.exit(pip_audit(*args))
    if kind == "npm-audit":
        sys.exit(npm_audit(args[0], args[1], "--report-only" in args))
    if kind == "bandit":
        sys.exit(bandit(*args))
    sys.exit(f"unknown report kind {kind}")
