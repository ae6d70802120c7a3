#!/usr/bin/python3
"""test-summary.py - adds up Meson test logs (TAP cases counted one by one) and pytest JUnit XML
files, prints each failure, and ends with the line "N passed, N failed" (exit 1 if any failed or a
result file is missing)."""
import json
import re
import sys
import xml.etree.ElementTree as ET

TAP_LINE = re.compile(r"^(not ok|ok)\b", re.M)


def meson_log(path):
    passed = failed = skipped = 0
    failures = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            result = t.get("result", "ERROR")
            out = t.get("stdout") or t.get("stdo") or ""
            cases = TAP_LINE.findall(out)
            if result == "SKIP":
                skipped += 1
                continue
            if cases:
                ok = sum(1 for c in cases if c == "ok")
                bad = len(cases) - ok
                passed += ok
                failed += bad
                # A crash after some cases, or a plan mismatch, fails the whole executable.
                if result not in ("OK", "EXPECTEDFAIL") and bad == 0:
                    failed += 1
                    failures.append(f"{path}: {t['name']}: {result}")
                elif bad:
                    failures.append(f"{path}: {t['name']}: {bad} case(s) failed")
            elif result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            else:
                failed += 1
                failures.append(f"{path}: {t['name']}: {result}")
    return passed, failed, skipped, failures


def junit(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    passed = failed = skipped = 0
    failures = []
    for s in suites:
        tests = int(s.get("tests", 0))
        bad = int(s.get("failures", 0)) + int(s.get("errors", 0))
        skip = int(s.get("skipped", 0))
        passed += tests - bad - skip
        failed += bad
        skipped += skip
        for case in s.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failures.append(f"{path}: {case.get('classname')}::{case.get('name')}")
    return passed, failed, skipped, failures


def main(paths):
    total_p = total_f = total_s = 0
    for path in paths:
        try:
            p, f, s, fails = junit(path) if path.endswith(".xml") else meson_log(path)
        except (OSError, ValueError, ET.ParseError) as e:
            p, f, s, fails = 0, 1, 0, [f"{path}: no results ({e})"]
        total_p, total_f, total_s = total_p + p, total_f + f, total_s + s
        print(f"{path}: {p} passed, {f} failed, {s} skipped")
        for line in fails:
            print(f"  FAILED {line}")
    print(f"{total_p} passed, {total_f} failed, {total_s} skipped")
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
