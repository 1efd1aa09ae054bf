"""Load benchmark of the HTTP service: ``ktp-ocr serve --workers 2`` on loopback.

Starts the server with the rate limit off, waits for ``/ping``, then sends seeded generated
cards at 1, 2, 4 and 8 concurrent clients (each level bounded in requests and seconds) and
prints a Markdown table: cards/s, p50/p99 latency, errors, RSS per worker.

    .venv/bin/python benchmarks/load_bench.py [--workers 2] [--requests 24] [--seconds 60]

Only 127.0.0.1 is contacted. The server is stopped (SIGTERM) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_cards(n: int, seed: int) -> list[bytes]:
    from ktp_ocr.regions import memory_repository
    from ktp_ocr.synth import generate

    regions = memory_repository()
    return [c.jpeg for c in generate(n, seed=seed, regions=regions, conditions=("scan", "photo"))]


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            out.append(child)
            out.extend(descendants(child))
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss(server: int) -> list[float]:
    """RSS of the worker processes (those that hold the OCR engine: the big ones)."""
    sizes = sorted((rss_mb(p) for p in descendants(server)), reverse=True)
    return [s for s in sizes if s > 100] or sizes


async def wait_ready(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/ping")).status_code == 200:
                    health = await client.get("/health")
                    print(f"health {health.status_code}: {health.text}", file=sys.stderr)
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("server did not answer /ping in time")


async def level(
    base: str, cards: list[bytes], clients: int, requests: int, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors, sent
        while sent < requests and time.monotonic() < deadline:
            card = cards[sent % len(cards)]
            sent += 1
            start = time.perf_counter()
            try:
                r = await client.post("/ocr-ktp", files={"image": ("card.jpg", card, "image/jpeg")})
                ok = r.status_code in (200, 422)  # 422 = a card the reader refused: not an error
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += 0 if ok else 1

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    wall = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    return {
        "clients": clients,
        "requests": len(latencies),
        "cards_s": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": p99,
        "errors": errors,
    }


async def run(args: argparse.Namespace, base: str, server: subprocess.Popen[bytes]) -> None:
    cards = make_cards(args.cards, args.seed)
    await wait_ready(base, args.startup_timeout)
    await level(base, cards, 2, 4, 30)  # warm-up: first reads build caches
    rows = []
    for clients in (1, 2, 4, 8):
        row = await level(base, cards, clients, max(args.requests, 2 * clients), args.seconds)
        row["rss"] = worker_rss(server.pid)  # type: ignore[assignment]
        rows.append(row)
        print(row, file=sys.stderr)
    print(
        f"\n`ktp-ocr serve --workers {args.workers}`, {os.cpu_count()} cores, "
        f"{len(cards)} generated cards (seed {args.seed}), rate limit off\n"
    )
    print("| clients | requests | cards/s | p50 (s) | p99 (s) | errors | RSS per worker (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        rss = ", ".join(f"{x:.0f}" for x in r["rss"])  # type: ignore[attr-defined]
        print(
            f"| {r['clients']} | {r['requests']} | {r['cards_s']:.2f} | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {r['errors']} | {rss} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=24, help="requests per level (at most)")
    parser.add_argument("--seconds", type=float, default=60, help="time per level (at most)")
    parser.add_argument("--cards", type=int, default=8)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--startup-timeout", type=float, default=180)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "KTP_RATE_LIMIT": "", "KTP_LOG_LEVEL": "WARNING",
           "KTP_MIN_UPLOAD_BYTES": "0"}  # fmt: skip
    for name in ("REDIS_URL", "KTP_REDIS_URL", "API_KEYS", "KTP_API_KEYS"):
        env.pop(name, None)
    cmd = [sys.executable, "-m", "ktp_ocr.cli", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(args.workers)]  # fmt: skip
    server = subprocess.Popen(cmd, env=env)
    try:
        asyncio.run(run(args, f"http://127.0.0.1:{port}", server))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
