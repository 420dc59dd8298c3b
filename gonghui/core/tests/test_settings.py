import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "GONGHUI_PII_KEY"}}
    env.update(DEBUG="0", ALLOWED_HOSTS="gonghui.example.org", **extra)
    return env


def test_it_passes_the_deployment_checklist_with_production_settings():
    env = production_env(
        SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
        GONGHUI_PII_KEY=Fernet.generate_key().decode(),
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_it_refuses_to_start_in_production_without_secrets():
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "SECRET_KEY is required" in run.stderr
