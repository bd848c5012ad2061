"""What the benchmarks ran on and under which load, and the memory of a process tree."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def other_pytest_processes() -> int:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return sum("pytest" in line and "grep" not in line for line in out.splitlines())


def machine() -> dict[str, str]:
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{_ram_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def conditions() -> dict[str, str]:
    load = os.getloadavg()
    return {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load average (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
        "other pytest processes": str(other_pytest_processes()),
    }


def print_header(title: str) -> None:
    print(f"# {title}")
    for key, value in {**machine(), **conditions()}.items():
        print(f"{key:>26}: {value}")
    print(flush=True)


# -- memory --------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out.extend(int(c) for c in text)
    except OSError:
        pass
    return out


def tree_pids(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Samples the resident memory of a process and its descendants until stopped.

    `peak_total`: the largest sum over the tree; `peak_single`: the largest single process;
    `cpu`: each process's CPU seconds when last seen (a process's last 200 ms may be missing)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.last_total = 0
        self.processes = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> int:
        pids = tree_pids(self.pid)
        sizes = [rss_bytes(p) for p in pids]
        for p in pids:
            if (seconds := cpu_seconds(p)) is not None:
                self.cpu[p] = seconds
        total = sum(sizes)
        self.last_total = total
        self.processes = max(self.processes, len(sizes))
        self.peak_total = max(self.peak_total, total)
        self.peak_single = max(self.peak_single, max(sizes, default=0))
        return total

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def venv_bin(name: str) -> str:
    """A command of the project's venv when there is one, else of this interpreter's."""
    for base in (repo_root() / ".venv" / "bin", Path(sys.executable).parent):
        if (base / name).exists():
            return str(base / name)
    return name
