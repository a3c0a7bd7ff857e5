"""Drive wrk (a C load generator: it leaves the CPU to the servers) and read its report."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "requests.lua"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    cookie: str = ""
    csrf: str = ""
    body: str = ""
    htmx: bool = False
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        headers = (("HX-Request", "true"),) if self.htmx else ()
        extra = "|".join(f"{name}: {value}" for name, value in headers + self.headers)
        fields = (self.method, self.path, self.cookie, self.csrf, self.body, extra)
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"a request field holds a tab or newline: {self}")
        return "\t".join(fields)


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def count(self, first_digit: str) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith(first_digit))


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    base_url: str,
    requests: list[Request],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    timeout_s: int = 10,
) -> Result:
    """Send the requests round and round for `seconds` over `connections` connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        handle.write("\n".join(r.line() for r in requests) + "\n")
        listing = handle.name
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={timeout_s}s",
                "-s",
                str(SCRIPT),
                base_url,
                "--",
                listing,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(listing).unlink(missing_ok=True)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=data["statuses"],
        socket_errors=sum(data["errors"].values()),
    )
