"""Scale-out: the container files agree with the loopback topology, and the topology itself (nginx in front of
two ``streamlit run`` replicas, started by ``scripts/replicas.py``) serves health, the WebSocket and sticky sessions."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error

import pytest
import yaml

from conftest import ROOT, _unavailable, run_async
from scripts import loadclient as lc
from scripts import replicas

DEPLOY = ROOT / "deploy"
COOKIE = "ctdc_affinity"

pytestmark = pytest.mark.deploy


def dockerfile_instructions() -> dict[str, list[str]]:
    """The Dockerfile's instructions: keyword -> arguments of each (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.setdefault(keyword.upper(), []).append(rest.strip())
    return found


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_image_runs_as_a_non_root_user_with_a_health_check():
    steps = dockerfile_instructions()
    assert steps["USER"][-1] not in ("root", "0")
    assert len(steps["HEALTHCHECK"]) == 1
    assert "/_stcore/health" in steps["HEALTHCHECK"][0]
    command = steps["CMD"][-1]
    assert '"-m", "scripts.replicas", "--one-server", "0.0.0.0", "--port", "8501"' in command  # one warmed server
    assert steps["EXPOSE"] == ["8501"]


def test_the_container_command_serves_a_warm_server_whose_first_deep_link_finds_its_page():
    port = replicas.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.replicas", "--one-server", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = iter(process.stdout.readline, "")  # the server's own log comes first
        assert any(line.startswith("Serving http://127.0.0.1:") for line in lines)  # printed once the server is warm
        first, _ = run_async(lc.page_reruns(f"http://127.0.0.1:{port}", lc.Link("map"), 0))
        assert first.error is None, first.error  # no "page not found": the server had been opened once
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_every_server_and_make_run_set_the_allocators_environment(monkeypatch):
    started = {}
    monkeypatch.setattr(replicas.subprocess, "Popen", lambda command, **kwargs: started.update(kwargs))
    replicas.start_streamlit(ROOT / "app.py", 8501)
    assert started["env"]["ARROW_DEFAULT_MEMORY_POOL"] == "system"  # the container's server starts here too
    assert started["env"]["MALLOC_MMAP_THRESHOLD_"] == "131072"
    run = re.search(r"^run:.*\n\t(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert run is not None
    assert run.group(1).startswith(" ".join(f"{name}={value}" for name, value in replicas.SERVER_ENV.items()) + " ")


def test_compose_uses_the_template_of_the_loopback_topology_and_the_image_port():
    services = compose()["services"]
    mounts = [volume.split(":") for volume in services["nginx"]["volumes"]]
    templates = [(DEPLOY / source).resolve() for source, target, *_ in mounts if target.startswith("/etc/nginx/templates/")]
    assert templates == [replicas.TEMPLATE.resolve()]
    placeholders = set(re.findall(r"\$\{(\w+)\}", replicas.TEMPLATE.read_text(encoding="utf-8")))
    environment = services["nginx"]["environment"]
    assert placeholders == set(environment)
    image_port = dockerfile_instructions()["EXPOSE"][0]
    assert re.fullmatch(rf"server app:{image_port};", environment["CTDC_UPSTREAM_SERVERS"])
    assert services["nginx"]["ports"][0].endswith(f":{environment['CTDC_PORT']}")
    assert services["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"
    assert (ROOT / services["app"]["build"]["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    assert "replicas" in services["app"]["deploy"]


def test_image_context_keeps_what_the_app_needs():
    ignored = {
        line.strip()
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in ("app.py", "src", "data", ".streamlit", "requirements.txt", "scripts"):  # scripts: the command
        assert needed not in ignored


def test_rendered_template_fills_placeholders_and_keeps_nginx_variables():
    text = replicas.render_nginx(8080, ["127.0.0.1:9001", "127.0.0.1:9002"])
    assert "${" not in text
    assert "listen 8080;" in text
    assert "server 127.0.0.1:9001; server 127.0.0.1:9002;" in text
    for variable in ("$http_upgrade", "$request_id", "$cookie_ctdc_affinity", "$upstream_addr", "$http_host"):
        assert variable in text


def nginx_or_skip() -> str:
    found = replicas.nginx_binary()
    if found is None:
        _unavailable("nginx not found (Debian package 'nginx'); `make test` installs it when it can")
    return found  # type: ignore[return-value]


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = nginx_or_skip()
    tmp_path.chmod(0o755)
    config = replicas.write_nginx_config(tmp_path, replicas.free_port(), ["127.0.0.1:9001", "127.0.0.1:9002"])
    checked = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    """``scripts/replicas.py --replicas 2`` as a user runs it; yields nginx's URL, the replicas' addresses and the process."""
    nginx_or_skip()
    port = replicas.free_port()
    log_path = tmp_path_factory.mktemp("replicas") / "replicas.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.replicas", "--replicas", "2", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180
        serving = ""
        while not serving and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            serving = next((line for line in log_path.read_text().splitlines() if line.startswith("Serving ")), "")
        assert serving, f"replicas.py did not start:\n{log_path.read_text()[-2000:]}"
        addresses = re.findall(r"127\.0\.0\.1:\d+", serving.partition("replica(s):")[2])
        assert len(addresses) == 2, serving
        yield f"http://127.0.0.1:{port}", addresses, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def fresh_visit(url: str, path: str = "/") -> lc.HttpVisitor:
    visitor = lc.HttpVisitor(url)
    visitor.get(path)
    return visitor


def test_health_and_first_page_through_nginx_set_the_affinity_cookie(topology):
    url, addresses, _ = topology
    visitor = lc.HttpVisitor(url)
    assert visitor.get("/_stcore/health") == b"ok"
    assert re.fullmatch(r"[0-9a-f]{32}", visitor.cookies[COOKIE])
    assert visitor.replicas[0] in addresses
    page = fresh_visit(url, "/map")
    assert COOKIE in page.cookies
    assert page.replicas[0] in addresses


def test_fresh_visitors_spread_over_both_replicas(topology):
    url, addresses, _ = topology
    seen = {fresh_visit(url, "/_stcore/health").replicas[0] for _ in range(24)}
    assert seen == set(addresses)


def test_a_visitor_with_the_cookie_stays_on_one_replica_for_every_path(topology):
    url, _, _ = topology
    visitor = fresh_visit(url)
    cookie = visitor.cookies[COOKIE]
    html = visitor.get("/site?site=boston").decode()
    asset = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', html)
    assert asset, "no script in the page's HTML"
    visitor.get("/" + asset.group(1))
    visitor.get("/_stcore/host-config")
    for path in ("/media/no-such-file.png", "/app/static/no-such-file.txt"):
        try:
            visitor.get(path)
        except urllib.error.HTTPError as error:  # a replica answered: nginx passed the path on
            visitor.note_response(error.headers)
    assert len(visitor.replicas) == 6
    assert len(set(visitor.replicas)) == 1
    assert visitor.cookies[COOKIE] == cookie


def test_websocket_session_goes_to_the_cookie_replica_and_reruns_a_page(topology):
    url, _, _ = topology
    visitor = fresh_visit(url, "/map")

    async def visit() -> lc.Rerun:
        async with lc.Session(url, visitor) as session:
            return await session.rerun(lc.Link("map"))

    rerun = run_async(visit())
    assert rerun.error is None
    assert rerun.bytes > 0
    assert len(visitor.replicas) == 2
    assert visitor.replicas[0] == visitor.replicas[1]


def test_sigterm_stops_nginx_and_every_replica(topology):
    url, addresses, process = topology
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    ports = [int(url.rsplit(":", 1)[1])] + [int(address.rsplit(":", 1)[1]) for address in addresses]
    while time.monotonic() < deadline and any(_listening(port) for port in ports):
        time.sleep(0.2)
    assert not any(_listening(port) for port in ports)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_replicas_script_reports_a_bad_replica_count():
    finished = subprocess.run(
        [sys.executable, "-m", "scripts.replicas", "--replicas", "0"], capture_output=True, text=True, timeout=30
    )
    assert finished.returncode == 2
    assert "--replicas must be 1 or more" in finished.stderr
