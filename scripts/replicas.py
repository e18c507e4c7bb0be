"""Serve the app as N ``streamlit run`` replicas on loopback ports behind nginx: deploy/'s topology without containers.

    python -m scripts.replicas --replicas 2 --port 8080      (or: make replicas)

nginx (the Debian package) uses the same template as the Compose file,
``deploy/nginx/ctdc.conf.template``: sticky sessions by cookie, the WebSocket upgrade and long
reads. Every process is stopped on Ctrl-C or SIGTERM. The benchmark and the tests import the
helpers here to start servers the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from scripts import loadclient

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "ctdc.conf.template"
HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 180.0
DEBIAN_NGINX = "/usr/sbin/nginx"  # not on a normal user's PATH
# Every server's environment (the container's too, which starts its server here; `make run` sets the same):
# pandas keeps text in Arrow arrays, and Arrow's own allocator (mimalloc) holds on to what an uploaded map
# freed; with the C library's allocator the server gave 58 MB more back after ten of the largest uploads closed.
# And the C library hands out every block of 128 KB or more as pages of its own, given back when freed: by
# default it raises that size after each such block is freed, and an upload's files (up to 2 MB each) then sit
# among small blocks that outlive them. With it fixed, the heap after a round of ten of the largest uploads
# was 73 MB instead of 145, and closed sessions' files go back to the system as soon as Streamlit drops them.
SERVER_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_THRESHOLD_": "131072"}
# nginx's main context around the template's http-context snippet, as the nginx image's own
# nginx.conf is around /etc/nginx/conf.d/*.conf; every file in one private directory.
NGINX_MAIN = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/ctdc.conf;
}}
"""


def free_port() -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_streamlit(
    script: Path,
    port: int,
    *,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int | None = subprocess.DEVNULL,
    address: str = "127.0.0.1",
) -> subprocess.Popen[bytes]:
    """``streamlit run script`` on ``address:port``, headless, from the script's folder (so its ``.streamlit/`` applies)."""
    full_env = {**os.environ, **SERVER_ENV, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.Popen(command, cwd=script.parent, env=full_env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, processes: list[subprocess.Popen[bytes]], timeout: float = START_TIMEOUT_S) -> float:
    """Seconds until ``url``'s health endpoint answers ``ok``; ``RuntimeError`` if a process exits or time runs out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"process {process.pid} ({process.args!r}) exited with code {process.returncode}")
        try:
            with opener.open(url + HEALTH_PATH, timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} was not healthy within {timeout:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process and wait for it; kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def render_nginx(port: int, upstreams: list[str]) -> str:
    """The template with ``${CTDC_PORT}`` and ``${CTDC_UPSTREAM_SERVERS}`` filled in (as envsubst would)."""
    servers = " ".join(f"server {address};" for address in upstreams)
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
        CTDC_PORT=str(port), CTDC_UPSTREAM_SERVERS=servers
    )


def nginx_binary() -> str | None:
    """The nginx executable, if installed."""
    return shutil.which("nginx") or (DEBIAN_NGINX if Path(DEBIAN_NGINX).exists() else None)


def write_nginx_config(directory: Path, port: int, upstreams: list[str]) -> Path:
    """Write the main config and the rendered template into ``directory``; return the main config's path."""
    (directory / "ctdc.conf").write_text(render_nginx(port, upstreams), encoding="utf-8")
    main = directory / "nginx.conf"
    main.write_text(NGINX_MAIN.format(prefix=directory), encoding="utf-8")
    return main


@dataclass(frozen=True)
class Served:
    """A running topology: nginx's URL, and each replica's address and process id."""

    url: str
    addresses: list[str]
    pids: list[int]


@contextlib.contextmanager
def topology(
    replicas: int,
    port: int | None = None,
    *,
    app: Path = ROOT / "app.py",
    env: dict[str, str] | None = None,
    log: IO[bytes] | int | None = subprocess.DEVNULL,
) -> Iterator[Served]:
    """Start ``replicas`` servers of ``app`` and nginx in front of them; stop them all on leaving."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian package 'nginx')")
    ports = [free_port() for _ in range(replicas)]
    addresses = [f"127.0.0.1:{p}" for p in ports]
    port = port or free_port()
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="ctdc-nginx-") as tmp:
        directory = Path(tmp)
        directory.chmod(0o755)  # nginx workers run as another user when started as root
        config = write_nginx_config(directory, port, addresses)
        try:
            processes = [start_streamlit(app, p, env=env, log=log) for p in ports]
            for address in addresses:
                wait_healthy(f"http://{address}", processes)
                warm_up(f"http://{address}")
            processes.append(
                subprocess.Popen(
                    [nginx, "-c", str(config), "-p", str(directory), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
                )
            )
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, processes, timeout=30)
            yield Served(url, addresses, [p.pid for p in processes[:replicas]])
        finally:
            for process in reversed(processes):
                stop(process)


def warm_up(url: str) -> None:
    """Open the app once in a session, so the replica's first visitor does not pay for its first run
    (loading and validating the data, first imports): measured in a browser, a fresh server's first
    visit to /map settled in 2.3 s against 1.7 s for a later visit (medians of four servers).
    """
    # In a thread of its own: the caller may already run an event loop (as a browser driver does).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        first, _ = pool.submit(asyncio.run, loadclient.page_reruns(url, loadclient.Link(), 0)).result()
    if first.error:
        raise RuntimeError(f"{url}: the warm-up visit failed: {first.error}")


def serve_one(address: str, port: int) -> int:
    """One server on ``address:port``, warmed once it is healthy; until it exits or this is stopped."""
    process = start_streamlit(ROOT / "app.py", port, log=None, address=address)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", [process])
        warm_up(f"http://127.0.0.1:{port}")
        print(f"Serving http://{address}:{port} (warmed)", flush=True)
        return process.wait()
    except RuntimeError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="the port nginx listens on (default 8080)")
    parser.add_argument(
        "--one-server",
        metavar="ADDRESS",
        help="serve one Streamlit server on ADDRESS:PORT, warmed, without nginx (the container's command)",
    )
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.one_server:
        return serve_one(args.one_server, args.port)
    try:
        with topology(args.replicas, args.port, log=None) as served:
            print(f"Serving {served.url} with {args.replicas} replica(s): {', '.join(served.addresses)}", flush=True)
            while True:
                time.sleep(3600)
    except RuntimeError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
