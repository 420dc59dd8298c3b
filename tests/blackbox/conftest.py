"""The black-box suite: gunicorn on its own PostgreSQL database, driven over real HTTP.

Nothing here imports the app or uses Django's test client. The database is set up
the way an operator sets up a new installation (``manage.py`` commands run as
subprocesses), the server runs with production settings (DEBUG off), and the tests
talk to it with httpx as the personas and workers would. See README.md beside this
file for the fixtures.

The fixtures are package-scoped: the server starts before the first test here and stops
after the last one, not at the end of the whole pytest run.
"""

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "Blackbox-pass-12351"
API_KEY_ORG = "110105"  # 朝阳区

# name -> (roles, administrative code of the org where they are held)
PERSONAS = {
    "street_handler": (["handler"], "110105026"),  # 望京街道, 朝阳区
    "district_supervisor": (["supervisor"], "110105"),  # 朝阳区
    "city_admin": (["admin"], "110000"),
    "city_dispatcher": (["operator", "dispatcher"], "110000"),  # the 12351 centre
    "outsider": (["handler"], "110108011"),  # 中关村街道, 海淀区
}
SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- nothing of the app runs in this process --------------------------------------------


@pytest.fixture(scope="session")
def triage_model():
    """Override the root conftest's in-process training: the server trains its own."""
    return None


@pytest.fixture
def _sms_log():
    """Override the root conftest's per-test SMS file: the server writes its own."""
    return None


# --- the installation -----------------------------------------------------------------------


def log_time(step: str, since: float) -> None:
    """Print how long the set-up took so far (shown with ``-s`` or when a test fails),
    with the CPU time its finished subprocesses used (the wall time depends on the load)."""
    used = os.times()
    cpu = used.children_user + used.children_system
    print(
        f"[blackbox] {step} done at {time.monotonic() - since:.1f} s"
        f" (subprocess CPU so far {cpu:.1f} s)",
        file=sys.stderr,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def maintenance_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(
            "the black-box suite needs PostgreSQL: run it under scripts/with-throwaway-postgres"
        )
    return url


def recreate_database(name: str, *, create: bool = True) -> str:
    """Drop the database ``name`` beside the one DATABASE_URL names (and create it anew)."""
    url = maintenance_url()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def blackbox_database_name() -> str:
    return urlsplit(maintenance_url()).path.lstrip("/") + "_blackbox"


@dataclass
class Installation:
    env: dict
    var_dir: Path
    sms_log: Path
    api_key: str

    def manage(self, *args: str) -> str:
        """Run a manage.py command as an operator would; return its stdout."""
        return self.manage_parallel(list(args))[0]

    def start(self, *commands: list[str]) -> list[tuple[list[str], subprocess.Popen]]:
        """Start manage.py commands side by side; ``finish`` waits for them."""
        return [
            (
                args,
                subprocess.Popen(
                    [sys.executable, "manage.py", *args],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for args in commands
        ]

    @staticmethod
    def finish(started: list[tuple[list[str], subprocess.Popen]]) -> list[str]:
        """Wait for started commands; fail with the output of the first that failed."""
        outputs = []
        for args, proc in started:
            out, err = proc.communicate(timeout=600)
            if proc.returncode != 0:
                pytest.fail(f"manage.py {' '.join(args)} failed:\n{out}\n{err}")
            outputs.append(out)
        return outputs

    def manage_parallel(self, *commands: list[str]) -> list[str]:
        """Run independent manage.py commands side by side; return their stdouts in order."""
        return self.finish(self.start(*commands))


@pytest.fixture(scope="package")
def installation(tmp_path_factory) -> Iterator[Installation]:
    """A new installation: migrated database, the union tree, laws, triage model, staff."""
    tmp = tmp_path_factory.mktemp("blackbox")
    db_name = blackbox_database_name()
    env = {
        **os.environ,
        "DATABASE_URL": recreate_database(db_name),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_PII_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),  # a Fernet key
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not marked Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "GONGHUI_VAR_DIR": str(tmp / "var"),
        "GONGHUI_MEDIA_DIR": str(tmp / "media"),
        "GONGHUI_SMS_LOG": str(tmp / "sms.log"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py and the WSGI module choose it
    inst = Installation(env=env, var_dir=tmp / "var", sms_log=tmp / "sms.log", api_key="")
    # The set-up runs side by side where it can, to keep the suite short: static files
    # and the triage model need no database; the rest needs the tree.
    started = time.monotonic()
    without_database = inst.start(
        ["train_triage", "--no-corrections"], ["collectstatic", "--noinput", "-v", "0"]
    )
    inst.manage("migrate", "--noinput", "-v", "0")
    log_time("migrate", started)
    inst.manage("import_org_tree", "-v", "0")
    log_time("import_org_tree", started)
    staff_commands = [
        ["create_staff", "--username", f"bb-{name}", "--password", PASSWORD, "--org", code]
        + [arg for role in roles for arg in ("--role", role)]
        for name, (roles, code) in PERSONAS.items()
    ]
    outputs = inst.manage_parallel(
        ["create_api_key", "--org", API_KEY_ORG, "--name", "blackbox call centre"],
        ["import_laws"],
        *staff_commands,
    )
    log_time("import_laws, create_staff, create_api_key", started)
    inst.finish(without_database)
    log_time("train_triage, collectstatic", started)
    inst.api_key = outputs[0].strip()
    yield inst
    recreate_database(db_name, create=False)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of master and workers
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: master and workers only
        proc.wait(timeout=10)


@pytest.fixture(scope="package")
def server(installation: Installation) -> Iterator[str]:
    """The base URL of gunicorn (2 workers, DEBUG off) serving the installation."""
    started = time.monotonic()
    port = free_port()
    log_path = installation.var_dir / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "gonghui.wsgi", "--bind", f"{HOST}:{port}",
                "--workers", "2", "--graceful-timeout", "5", "--access-logfile", "-",
                # A shared CI machine can be slow to warm a worker (first triage loads
                # the model); the 30 s default would kill it mid-request.
                "--timeout", "120",
            ],
            cwd=ROOT,
            env=installation.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log_path.read_text()[-4000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json() == {
                    "status": "ok",
                    "database": "ok",
                }:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.2)
        log_time("gunicorn answers /healthz", started)
        yield base
    finally:
        stop(proc)
    # A traceback in the server log is a bug even when the client saw a tidy answer.
    assert "Traceback" not in log_path.read_text(), log_path.read_text()[-6000:]


# --- clients ------------------------------------------------------------------------------


def check_error_body(response: httpx.Response) -> None:
    """Every API error is JSON with a ``code`` and a ``detail`` (docs/api.md), never HTML."""
    if response.status_code < 400 or not response.url.path.startswith("/api/"):
        return
    response.read()
    where = f"{response.request.method} {response.url.path} -> {response.status_code}"
    assert response.headers.get("content-type", "").startswith("application/json"), (
        f"{where}: not JSON: {response.text[:300]!r}"
    )
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], f"{where}: no code: {body}"
    assert isinstance(body.get("detail"), str) and body["detail"], f"{where}: no detail: {body}"


def make_client(base: str, **kwargs) -> httpx.Client:
    """An httpx client on the server that checks the shape of every API error it gets."""
    return httpx.Client(
        base_url=base, timeout=30, event_hooks={"response": [check_error_body]}, **kwargs
    )


@pytest.fixture(scope="package")
def anonymous(server: str) -> Iterator[httpx.Client]:
    """A client with no credentials at all (public pages, tracking, the station finder)."""
    with make_client(server) as client:
        yield client


@pytest.fixture(scope="package")
def staff(server: str) -> Iterator[Callable[[str], httpx.Client]]:
    """``staff(name)``: a client sending the bearer token that persona got from /auth/token."""
    clients: dict[str, httpx.Client] = {}

    def get(name: str) -> httpx.Client:
        if name not in clients:
            with make_client(server) as login:
                answer = login.post(
                    "/api/v1/auth/token", json={"username": f"bb-{name}", "password": PASSWORD}
                )
            assert answer.status_code == 200, answer.text
            token = answer.json()["token"]
            clients[name] = make_client(server, headers={"Authorization": f"Bearer {token}"})
        return clients[name]

    yield get
    for client in clients.values():
        client.close()


def sms_to(sms_log: Path, phone: str) -> list[str]:
    """Return the texts the server sent to ``phone``, oldest first."""
    if not sms_log.exists():
        return []
    lines = [json.loads(line) for line in sms_log.read_text("utf-8").splitlines()]
    return [line["text"] for line in lines if line["to"] == phone]


@pytest.fixture(scope="package")
def sms(installation: Installation) -> Callable[[str], list[str]]:
    """``sms(phone)``: the text messages the server has sent to that phone so far."""
    return lambda phone: sms_to(installation.sms_log, phone)


@pytest.fixture(scope="package")
def worker(server: str, sms) -> Iterator[Callable[[str], httpx.Client]]:
    """``worker(phone)``: a client signed in through the one-time code sent by SMS."""
    clients: dict[str, httpx.Client] = {}

    def get(phone: str) -> httpx.Client:
        if phone not in clients:
            before = len(sms(phone))
            with make_client(server) as anon:
                sent = anon.post("/api/v1/auth/otp/request", json={"phone": phone})
                assert sent.status_code == 202, sent.text
                # The code is texted after the request's transaction commits.
                deadline = time.monotonic() + 10
                while len(sms(phone)) == before and time.monotonic() < deadline:
                    time.sleep(0.05)
                texts = sms(phone)[before:]
                assert len(texts) == 1, texts
                codes = SIX_DIGITS.findall(texts[0])
                assert len(codes) == 1, texts[0]
                verified = anon.post(
                    "/api/v1/auth/otp/verify", json={"phone": phone, "code": codes[0]}
                )
            assert verified.status_code == 200, verified.text
            token = verified.json()["token"]
            clients[phone] = make_client(server, headers={"Authorization": f"Bearer {token}"})
        return clients[phone]

    yield get
    for client in clients.values():
        client.close()


@pytest.fixture(scope="package")
def api_key_client(server: str, installation: Installation) -> Iterator[httpx.Client]:
    """A client of an integration holding 朝阳区's org API key (``X-Api-Key``)."""
    with make_client(server, headers={"X-Api-Key": installation.api_key}) as client:
        yield client


@dataclass
class BrowserSession:
    """A console login by session cookie, as a browser holds it."""

    client: httpx.Client

    @property
    def csrf_token(self) -> str:
        # Django rotates the token at login; the cookie holds the current one.
        return self.client.cookies["csrftoken"]


@pytest.fixture
def browser_session(server: str) -> Iterator[Callable[[str], BrowserSession]]:
    """``browser_session(name)``: signed in through /console/login/ with its CSRF token."""
    sessions: list[BrowserSession] = []

    def login(name: str) -> BrowserSession:
        client = make_client(server)
        page = client.get("/console/login/")
        assert page.status_code == 200
        form_token = CSRF_FIELD.search(page.text).group(1)
        answer = client.post(
            "/console/login/",
            data={
                "username": f"bb-{name}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": form_token,
            },
        )
        assert answer.status_code == 302, answer.text[:500]
        assert "sessionid" in client.cookies
        session = BrowserSession(client)
        sessions.append(session)
        return session

    yield login
    for session in sessions:
        session.client.close()
