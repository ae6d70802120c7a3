"""test_report_browser.py - the HTML daily report in Debian's headless Chromium: its charts are
drawn (the screenshot holds the bar colours) and nothing from the fixture's attacker strings runs.
A control page with the same payload pasted in unescaped proves that this Chromium does run it,
so the check can fail."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import scaled
from test_report import build_store

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")]
PAYLOAD = "<script>document.body.setAttribute('data-pwned','ua')</script>"


def chromium(tmp_path, url, *args):
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--user-data-dir=" + str(tmp_path / "profile"), *args, url],
                       capture_output=True, text=True, timeout=scaled(120))
    assert r.returncode == 0, r.stderr
    return r.stdout


def pwned(dom):
    return re.search(r"<body[^>]*data-pwned", dom) is not None


def test_html_report_in_chromium(make_hanipo, tmp_path):
    from PIL import Image
    h = make_hanipo(start=False)
    build_store(h)
    page = tmp_path / "report.html"
    h.cli("report", "daily", "--date", "2026-11-26", "--tz", "UTC", "--format", "html",
          "-o", str(page))
    html = page.read_text()
    assert html.count("<svg class=\"chart\"") == 4

    shot = tmp_path / "shot.png"
    chromium(tmp_path, page.as_uri(), "--window-size=1000,1400", f"--screenshot={shot}")
    img = Image.open(shot).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20, "blank screenshot"
    counts = {c: n for n, c in colours}
    assert counts.get((0xd8, 0x60, 0x3b), 0) > 200, "events-per-hour bars not drawn"
    assert counts.get((0x3b, 0x7d, 0xd8), 0) > 200, "bar charts not drawn"

    dom = chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert "hanipo daily report 2026-11-26" in dom
    assert not pwned(dom), "a script from an attacker string ran"
    assert PAYLOAD.replace("<", "&lt;").replace(">", "&gt;") in dom

    # control: the same payload unescaped (and without the CSP) does run in this Chromium
    control = tmp_path / "control.html"
    control.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                              html.replace("</body>", PAYLOAD + "</body>")))
    assert pwned(chromium(tmp_path, control.as_uri(), "--dump-dom"))
