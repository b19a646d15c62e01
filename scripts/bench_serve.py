"""Benchmark: `kg serve` under 200 concurrent clients, and against hostile queries.

Starts `kg serve` on the seeds graph (loopback, a free port) and measures from this process:

0. alone: each request of the mixes below, one at a time (median of 10): the cost of the query
   itself plus one HTTP round trip, to read the figures under load against.
1. load: --clients clients (default 200), each on its own keep-alive connection, all started at
   once, each sending --requests requests (default 10) with a random pause (mean --think s) before
   each: the light mix (queries of about a millisecond, as in the issue: a named query over HTTP,
   /query/posts-of-person?name=..., for several people, an ASK and a small SELECT at /sparql).
   Prints errors (anything but 200), p50/p95/p99/max latency, throughput, the kernel's
   listen-queue overflows meanwhile (system-wide) and the server's peak RSS (server plus workers,
   sampled every 20 ms). Bar: 0 errors, p95 <= 50 ms.
2. the same with the named mix: every named query of ontology/queries/README.md over HTTP, some of
   which take tens of milliseconds alone (no bar).
3. burst: the clients each send one light request at the same instant, no pause: what queueing
   costs when 200 requests arrive together (no bar; no errors expected).
4. hostile: queries whose result is a cross product of the graph with itself (COUNT over five
   copies: CPU only; ORDER BY over three: memory grows until the worker's cap), each sent while a
   client goes on sending ordinary queries. Prints the status, the time to answer, the peak RSS,
   and the ordinary queries' latency meanwhile. Bounded by --hostile-timeout and --memory-limit.

Phases 1-3 run twice: without the answer cache (--cache-mb 0: every request reaches a worker)
and with it (the default: repeated requests are answered from memory). Everything stops by
itself; request counts are bounded. Prints figures; it is not a test. The machine may be shared:
figures from a busy machine are noisy. Exit status 0 if the light mix meets the bar both times.

    .venv/bin/python scripts/bench_serve.py [--graph output/graph.nt] [--clients 200] [--requests 10]

Without --graph, output/graph.nt is used if present, else the seeds are built into a temp dir.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_query import example_bindings, seeds_graph  # noqa: E402

SELECT = "SELECT ?person ?post WHERE { ?p a kg:Person ; rdfs:label ?person ; org:holds/rdfs:label ?post } LIMIT 10"
ASK = "ASK { ?m a kg:Meeting ; kg:chair ?p }"
PEOPLE = ("刘宁", "陈向群", "郑有胜", "王敏娜", "谭作钧")
HOSTILE = {
    "count over a 5-fold cross product": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
    ),
    "ORDER BY over a 3-fold cross product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?f ?i",
}


# -- the server and its memory -------------------------------------------------------------


def start_server(graph: Path, *args: str) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "kg.serve", "--graph", str(graph), "--port", "0", *args]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        match = re.search(r"at (http://\S+)/sparql", line)
        if match:
            return proc, match.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit("kg serve did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler:
    """Samples the summed RSS of a process tree every 20 ms; `.peak_mb` is the highest seen."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, sum(_rss_kib(p) for p in _tree(self.pid)))

    def __enter__(self) -> RssSampler:
        self.peak = sum(_rss_kib(p) for p in _tree(self.pid))
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak / 1024


def listen_overflows() -> int | None:
    """TcpExt ListenOverflows (system-wide) from /proc/net/netstat."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return None


# -- clients ---------------------------------------------------------------------------------


def _sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def named_paths() -> list[str]:
    """Every named query of ontology/queries/README.md, with its example values, over HTTP."""
    paths = []
    for name, binds in example_bindings().items():
        params = dict(b.split("=", 1) for b in binds)
        paths.append(f"/query/{name}" + ("?" + urllib.parse.urlencode(params) if params else ""))
    return paths


def light_paths() -> list[str]:
    """Requests whose query takes about a millisecond alone."""
    people = [f"/query/posts-of-person?{urllib.parse.urlencode({'name': n})}" for n in PEOPLE]
    return [*people, _sparql(ASK), _sparql(SELECT)]


def alone(base: str, paths: list[str]) -> None:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    for path in paths:
        times = []
        for _ in range(10):
            started = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            times.append(time.perf_counter() - started)
        shown = urllib.parse.unquote(path)
        print(f"  {statistics.median(times) * 1000:6.1f} ms  {resp.status}  {shown[:80]}")
    conn.close()


class Client(threading.Thread):
    """One client on one keep-alive connection: `count` requests, a random pause before each."""

    def __init__(self, base: str, paths: list[str], count: int, think: float, seed: int, start: threading.Barrier):
        super().__init__(daemon=True)
        self.parts = urllib.parse.urlsplit(base)
        self.paths, self.count, self.think = paths, count, think
        self.random = random.Random(seed)
        self.start_barrier = start
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=60)

    def run(self) -> None:
        conn = self._connection()
        offset = self.random.randrange(len(self.paths))
        self.start_barrier.wait()
        for i in range(self.count):
            if self.think:
                time.sleep(self.random.uniform(0, 2 * self.think))
            path = self.paths[(offset + i) % len(self.paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                self.latencies.append(time.perf_counter() - started)
                if resp.status != 200:
                    self.errors.append(f"HTTP {resp.status}")
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(type(exc).__name__)
                conn.close()
                conn = self._connection()
        conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_clients(base: str, server_pid: int, paths: list[str], clients: int, requests: int, think: float) -> dict:
    barrier = threading.Barrier(clients + 1)
    threads = [Client(base, paths, requests, think, seed, barrier) for seed in range(clients)]
    for t in threads:
        t.start()
    overflows = listen_overflows()
    with RssSampler(server_pid) as rss:
        barrier.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    latencies = [x for t in threads for x in t.latencies]
    errors = [e for t in threads for e in t.errors]
    after = listen_overflows()
    return {
        "requests": len(latencies) + sum(1 for e in errors if not e.startswith("HTTP")),
        "errors": errors,
        "elapsed": elapsed,
        "latencies": latencies,
        "overflows": None if overflows is None or after is None else after - overflows,
        "peak_mb": rss.peak_mb,
    }


def report(title: str, result: dict, bar: bool) -> bool:
    lat = result["latencies"]
    ms = {p: percentile(lat, p) * 1000 for p in (50, 95, 99)} if lat else {50: 0, 95: 0, 99: 0}
    errors = result["errors"]
    kinds = ", ".join(f"{k} x{errors.count(k)}" for k in sorted(set(errors))) or "none"
    print(f"\n{title}")
    rate = result["requests"] / result["elapsed"]
    print(f"  requests           {result['requests']} in {result['elapsed']:.2f} s ({rate:.0f}/s)")
    print(f"  errors             {len(errors)} ({kinds})")
    print(f"  latency p50        {ms[50]:.1f} ms")
    print(f"  latency p95        {ms[95]:.1f} ms")
    print(f"  latency p99        {ms[99]:.1f} ms")
    print(f"  latency max        {max(lat) * 1000 if lat else 0:.1f} ms")
    print(f"  listen overflows   {result['overflows']} (system-wide, during the run)")
    print(f"  server peak RSS    {result['peak_mb']:.0f} MB (server + workers)")
    if not bar:
        return True
    ok = not errors and ms[95] <= 50
    print(f"  bar (0 errors, p95 <= 50 ms): {'PASS' if ok else 'FAIL'}")
    return ok


def hostile(base: str, server_pid: int, timeout: float) -> None:
    parts = urllib.parse.urlsplit(base)
    print(f"\nhostile queries (time limit {timeout:g} s)")
    for title, query in HOSTILE.items():
        background: list[float] = []
        stop = threading.Event()

        def ordinary(stop: threading.Event = stop, background: list[float] = background) -> None:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            path = "/sparql?" + urllib.parse.urlencode({"query": SELECT})
            while not stop.is_set():
                started = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    background.append(time.perf_counter() - started)
                time.sleep(0.05)
            conn.close()

        side = threading.Thread(target=ordinary, daemon=True)
        with RssSampler(server_pid) as rss:
            side.start()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout + 30)
            started = time.perf_counter()
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace").strip()
            elapsed = time.perf_counter() - started
            stop.set()
            side.join()
        p95 = percentile(background, 95) * 1000 if background else float("nan")
        print(f"  {title}")
        print(f"    answer           {resp.status} after {elapsed:.2f} s: {body[:90]}")
        print(f"    server peak RSS  {rss.peak_mb:.0f} MB (server + workers)")
        print(f"    ordinary queries meanwhile: {len(background)}, p95 {p95:.1f} ms")
        time.sleep(1)  # the killed worker is replaced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", type=Path, help="graph file (default: output/graph.nt, else the seeds built)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10, help="requests per client in the load phase")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause before each request (s)")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument("--hostile-timeout", type=float, default=5.0, help="kg serve --timeout for phase 3")
    parser.add_argument("--memory-limit", type=int, default=1024, help="kg serve --memory-limit (MB)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        graph = args.graph or seeds_graph(Path(tmp))
        print(f"graph: {graph}")
        machine = platform.processor() or platform.machine()
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}, load average {load}")
        print(f"kg serve --workers {args.workers} --memory-limit {args.memory_limit}; {args.clients} clients")
        limits = ("--timeout", str(args.hostile_timeout), "--memory-limit", str(args.memory_limit))
        pause = f"pause uniform 0-{2 * args.think:g} s"
        shape = f"{args.clients} clients x {args.requests} requests, {pause}"
        ok = True
        for cache in ("0", "64"):
            proc, base = start_server(graph, "--workers", str(args.workers), "--cache-mb", cache, *limits)
            print(f"\n=== kg serve --cache-mb {cache} ({'no answer cache' if cache == '0' else 'answer cache on'})")
            try:
                if cache == "0":
                    print("\nalone (median of 10, one request at a time)")
                    alone(base, light_paths() + named_paths())
                run_clients(base, proc.pid, light_paths(), 20, 2, 0)  # warm-up
                load = run_clients(base, proc.pid, light_paths(), args.clients, args.requests, args.think)
                ok = report(f"load, light mix: {shape}", load, bar=True) and ok
                named = run_clients(base, proc.pid, named_paths(), args.clients, args.requests, args.think)
                report(f"load, named mix: {shape}", named, bar=False)
                burst = run_clients(base, proc.pid, light_paths(), args.clients, 1, 0)
                report(f"burst: {args.clients} light requests at the same instant", burst, bar=False)
                if cache == "0":
                    hostile(base, proc.pid, args.hostile_timeout)
            finally:
                stop_server(proc)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
