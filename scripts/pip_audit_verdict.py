"""Read pip-audit's JSON report (`make audit`) and say what it found; the exit status says it.

Fails on a known vulnerability, and on a package pip-audit could not check while it could check
others. When it could check none (no vulnerability service answers from a closed network) it says
so plainly: nothing was audited, which is reported, not passed off as clean.
"""

import json
import sys


def main(path: str) -> int:
    with open(path) as report:
        deps = json.load(report)["dependencies"]
    vulns = [f"{dep['name']} {vuln['id']}" for dep in deps for vuln in dep.get("vulns", [])]
    skipped = [dep["name"] for dep in deps if "skip_reason" in dep]
    print(f"pip-audit: {len(deps) - len(skipped)} of {len(deps)} packages checked")
    for vuln in vulns:
        print(f"pip-audit: known vulnerability: {vuln}")
    if deps and len(skipped) == len(deps):
        print("pip-audit: NOT CHECKED: no vulnerability service answered from this machine")
        return 0
    if skipped:
        print(f"pip-audit: could not check: {', '.join(skipped)}")
    return 1 if vulns or skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
