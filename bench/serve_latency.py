"""How long after a save the preview serves the edited report page: `gongkai serve` on a generated site.

    python bench/serve_latency.py                          # 500 offices x 2021-2024 = 2,000 reports
    python bench/serve_latency.py --offices 50 --edits 5   # quicker

Generates the site (bench/make_site.py), starts `python -m generator serve` in its own process, then
for each edit: saves one report with a new word in its overview and fetches the report page every 10
milliseconds until the word shows. Prints each latency (save to updated page served), the server's
build times, and the median. Target for 2,000 reports: the median under 0.5 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import without_bytecode_switch  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8", "replace")
    finally:
        connection.close()


def start_server(site: Path, port: int, lines: list[str]) -> subprocess.Popen:
    env = {**without_bytecode_switch(os.environ), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "generator", "serve", str(site), "--port", str(port)]
    server = subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = threading.Event()

    def read() -> None:
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if "预览地址" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    ready.wait()
    if server.poll() is not None:
        raise SystemExit("the server did not start:\n" + "\n".join(lines))
    return server


def edit_latency(port: int, site: Path, report: Path, word: str, timeout: float = 30.0) -> float:
    """Seconds from saving `report` with `word` in its overview to the report page showing it."""
    office, year = report.parent.name, report.stem
    url = f"/{office}/{year}/"
    assert word not in fetch(port, url)
    text = report.read_text(encoding="utf-8")
    changed = re.sub(r"^(overview: \|-\n  )", rf"\g<1>{word}", text, count=1, flags=re.M)
    assert changed != text, f"no overview in {report}"
    saved = time.perf_counter()
    report.write_text(changed, encoding="utf-8")  # as an editor saves: the same file, rewritten
    while time.perf_counter() - saved < timeout:
        if word in fetch(port, url):
            return time.perf_counter() - saved
        time.sleep(0.01)
    raise SystemExit(f"{url} did not change within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=500)
    parser.add_argument("--years", default="2021-2024")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--site", type=Path, help="use (and keep) this folder for the generated site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongkai-serve-bench-") as temp:
        site = args.site or Path(temp) / "site"
        if not (site / "site.yaml").exists():
            make = [sys.executable, str(REPO / "bench/make_site.py"), "--offices", str(args.offices)]
            subprocess.run([*make, "--years", args.years, "--out", str(site)], check=True, stdout=subprocess.DEVNULL)
        reports = sorted(site.glob("content/*/[0-9][0-9][0-9][0-9].yaml"))
        print(f"site: {site} ({len(reports)} reports)")

        lines: list[str] = []
        port = free_port()
        started = time.perf_counter()
        server = start_server(site, port, lines)
        print(f"first build and start: {time.perf_counter() - started:.1f} s  ({lines[-2] if len(lines) > 1 else ''})")
        try:
            time.sleep(1.0)  # let the first poll of the watcher record every file
            latencies = []
            step = max(1, len(reports) // args.edits)
            for number, report in enumerate(reports[step // 2 :: step][: args.edits]):
                mark = f"基准标记{os.getpid()}-{number}号"  # new in every run, also on a kept --site
                latency = edit_latency(port, site, report, mark)
                latencies.append(latency)
                print(f"edit {number + 1}: {report.relative_to(site)}  {latency * 1000:.0f} ms")
                time.sleep(1.0)  # the server goes idle again between saves
        finally:
            server.terminate()
            server.wait(timeout=30)

    builds = [float(m.group(1)) for line in lines if (m := re.search(r"已重新构建.*用时 ([\d.]+) 秒", line))]
    if builds:
        print(f"rebuild (build_site only), median: {statistics.median(builds) * 1000:.0f} ms")
    print(
        f"save to updated page served: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms over {len(latencies)} edits"
    )


if __name__ == "__main__":
    main()
