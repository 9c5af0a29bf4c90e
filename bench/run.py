"""Throughput of the sizer API, the sizer page and a signed-in lesson page against hello-world.

Starts gunicorn (2 sync workers, loopback only) on a seeded SQLite file, signs in through the real
login form, runs wrk on each target twice in the same run, prints req/s, average latency, the
ratio to hello-world in the same run and the workers' CPU per request, and a verdict against the
goal (each target >= 60% of hello-world), taken on the best run of each. Two reference targets
(hello-world signed in; the cheapest signed-in page) explain the others and have no goal.

    .venv/bin/python bench/run.py          (or: make bench)

Exit status: 0 whatever the figures; 1 only when the set-up fails (no wrk, gunicorn not up,
sign-in refused). The whole run takes about 100 seconds.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"  # loopback only, never another address
GOAL = 0.60
RUNS = 2
WRK_ARGS = ["-t2", "-c16", "-d8s", "--latency"]
DEMO_EMAIL, DEMO_PASSWORD = "learner@example.com", "pipeline-demo"
LESSON = "/lessons/selling-is-helping-the-buyer-decide"  # open for the demo cohort from its start
# SIZER.md worked example 2 (Brightline): as JSON for the API, in percent for the page.
EXAMPLE_2 = {"currency": "USD", "goal": 1000000, "period_days": 365, "deal_size": 50000,
             "win_rate": 0.2, "cycle_days": 120, "naive_multiple": 3}
PAGE_QUERY = urllib.parse.urlencode({**EXAMPLE_2, "win_rate": 20})


class SetupError(Exception):
    """The benchmark could not start; the message says why."""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    wrk_extra: tuple[str, ...] = ()
    has_goal: bool = True  # False: a reference point, measured to explain the others


@dataclass(frozen=True)
class Figures:
    requests_per_second: float
    latency_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors
    requests: int = 0
    server_cpu_ms: float = 0.0  # CPU the gunicorn workers spent per request (user + system)


# ---------------------------------------------------------------------------------------------
# Set-up: database, server, sign-in


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def prepare_database(env: dict[str, str]) -> None:
    run = subprocess.run([str(VENV_BIN / "python"), "-m", "bench.bench_app", "prepare"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if run.returncode:
        raise SetupError(f"could not prepare the database:\n{run.stderr or run.stdout}")


def start_gunicorn(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [str(VENV_BIN / "gunicorn"), "--no-control-socket", "-w", "2",
               "-b", f"{HOST}:{port}", "--error-logfile", str(log), "bench.bench_app:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_until_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"gunicorn stopped (exit {server.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SetupError(f"/healthz did not answer within 30 s:\n{tail(log)}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def sign_in(base: str) -> str:
    """Sign in through the real form (CSRF token and all); return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=10) as response:
        form = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', form)
    if not token:
        raise SetupError("no csrf_token in the sign-in form")
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": DEMO_EMAIL,
                                   "password": DEMO_PASSWORD}).encode()
    with opener.open(base + "/login", data=body, timeout=30) as response:
        response.read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(base + LESSON, headers={"Cookie": cookie})
    with opener.open(check, timeout=10) as response:
        if response.status != 200 or "/login" in response.url:
            raise SetupError(f"sign-in as {DEMO_EMAIL} did not open {LESSON}")
    return cookie


# ---------------------------------------------------------------------------------------------
# Load


def write_post_script(folder: Path) -> Path:
    script = folder / "post_sizer.lua"
    body = json.dumps(EXAMPLE_2)
    script.write_text('wrk.method = "POST"\n'
                      f"wrk.body = {json.dumps(body)}\n"
                      'wrk.headers["Content-Type"] = "application/json"\n')
    return script


def run_wrk(wrk: str, base: str, target: Target, server_pid: int) -> Figures:
    command = [wrk, *WRK_ARGS, *target.wrk_extra, base + target.path]
    cpu_before = workers_cpu_seconds(server_pid)
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    cpu = workers_cpu_seconds(server_pid) - cpu_before
    if run.returncode:
        raise SetupError(f"wrk failed on {target.name}: {run.stderr.strip()}")
    figures = parse_wrk(run.stdout)
    return replace(figures, server_cpu_ms=1000 * cpu / figures.requests if figures.requests else 0.0)


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by gunicorn's workers, read from /proc.

    Unlike req/s, this barely moves when other work shares the cores (time stolen by other
    processes or VMs is not charged to ours), so it shows what each request really costs.
    """
    total_ticks = 0
    for task in Path(f"/proc/{master_pid}/task").glob("*/children"):
        for pid in task.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # a worker that just restarted
                continue
            total_ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total_ticks / os.sysconf("SC_CLK_TCK")


def parse_wrk(output: str) -> Figures:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    latency = re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s)\b", output, re.M)
    if not rate or not latency:
        raise SetupError(f"could not read wrk's output:\n{output}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Figures(float(rate.group(1)), float(latency.group(1)) * scale, errors,
                   int(count.group(1)) if count else 0)


def targets(folder: Path, cookie: str) -> list[Target]:
    return [
        Target("hello-world", "/bench/hello"),
        Target("POST /api/v1/sizer", "/api/v1/sizer", ("-s", str(write_post_script(folder)))),
        Target("GET /sizer (example 2)", "/sizer?" + PAGE_QUERY),
        Target("GET lesson, signed in", LESSON, ("-H", f"Cookie: {cookie}")),
        Target("ref: hello, signed in", "/bench/hello", ("-H", f"Cookie: {cookie}"), has_goal=False),
        Target("ref: signed-in floor", "/bench/me", ("-H", f"Cookie: {cookie}"), has_goal=False),
    ]


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def report(results: dict[str, list[Figures]], goals: set[str]) -> None:
    hello = results["hello-world"]
    print(f"\n{'target':<26}{'run':>4}{'req/s':>10}{'avg ms':>9}{'vs hello':>10}{'errors':>8}"
          f"{'cpu ms/req':>12}")
    for name, runs in results.items():
        for index, figures in enumerate(runs):
            ratio = figures.requests_per_second / hello[index].requests_per_second
            print(f"{name:<26}{index + 1:>4}{figures.requests_per_second:>10.0f}"
                  f"{figures.latency_ms:>9.2f}{ratio:>9.0%}{figures.errors:>8}"
                  f"{figures.server_cpu_ms:>12.3f}")
    best_hello = max(f.requests_per_second for f in hello)
    least_hello_cpu = min(f.server_cpu_ms for f in hello)
    print(f"\nGoal: each target at least {GOAL:.0%} of hello-world. Verdict on the best run of")
    print("each (other work on the machine only ever slows a run down). The last column is")
    print("hello-world's server CPU per request over the target's (least of each): the share")
    print("a server with its own cores would reach, whatever else shares this machine.")
    for name, runs in list(results.items())[1:]:
        ratio = max(f.requests_per_second for f in runs) / best_hello
        cpu_ratio = least_hello_cpu / min(f.server_cpu_ms for f in runs) if least_hello_cpu else 0.0
        verdict = ("meets the goal" if ratio >= GOAL else "BELOW the goal") if name in goals else "reference"
        errors = sum(f.errors for f in runs)
        note = f" ({errors} failed responses)" if errors else ""
        print(f"  {name:<26} {ratio:>4.0%}: {verdict:<15} by CPU: {cpu_ratio:>4.0%}{note}")


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk); no benchmark run.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="academy-bench-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "BENCH_DB": str(folder / "bench.db")}
        env.pop("DATABASE_URL", None)
        log = folder / "gunicorn.log"
        server = None
        try:
            prepare_database(env)
            port = free_port()
            base = f"http://{HOST}:{port}"
            server = start_gunicorn(port, env, log)
            wait_until_healthy(base, server, log)
            cookie = sign_in(base)
            plan = targets(folder, cookie)
            results: dict[str, list[Figures]] = {t.name: [] for t in plan}
            print(f"load average before: {load()} (wrk and gunicorn share these cores)")
            for run in range(RUNS):
                for target in plan:
                    print(f"run {run + 1}/{RUNS}: {target.name} ...", flush=True)
                    results[target.name].append(run_wrk(wrk, base, target, server.pid))
            report(results, {t.name for t in plan if t.has_goal})
            print(f"load average after: {load()}")
        except SetupError as error:
            print(f"benchmark set-up failed: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\ninterrupted; gunicorn stopped.", file=sys.stderr)
            return 130
        finally:
            if server is not None:
                stop(server)
    return 0


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully, then for good if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
