"""test_nmap_http.py - nmap -sV names the HTTP and HTTPS sensors as the product they pretend to
be (Apache httpd, over SSL for HTTPS), not tcpwrapped, unknown or a honeypot."""
import subprocess

from conftest import free_port, scaled, wait_port


def test_nmap_names_apache_on_http_and_https(make_hanipo):
    tls = free_port()
    h = make_hanipo(f"https.listen=127.0.0.1:{tls}")
    assert wait_port(tls)
    r = subprocess.run(["nmap", "-sV", "-Pn", "-n", "-p", f"{h.port},{tls}", "127.0.0.1"],
                       capture_output=True, text=True, timeout=scaled(180))
    lines = {l.split("/")[0]: l for l in r.stdout.splitlines() if "/tcp" in l}
    plain, ssl = lines[str(h.port)], lines[str(tls)]
    assert "open" in plain and "http" in plain and "Apache httpd" in plain, r.stdout
    assert "ssl/http" in ssl and "Apache httpd" in ssl, r.stdout
    for line in (plain, ssl):
        assert "tcpwrapped" not in line and "unknown" not in line
    assert "honeypot" not in r.stdout.lower() and "hanipo" not in r.stdout.lower()
