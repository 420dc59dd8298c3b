"""Fixtures for the sign-in tests: a stopped clock, sending a code, reading the SMS log."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from gonghui.accounts.tests.support import OTP_REQUEST, OTP_VERIFY, START


@pytest.fixture
def clock(time_machine):
    """Stop the clock at a fixed Monday morning; tests move it with ``clock.shift``."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def sms_lines(_sms_log: Path) -> Callable[[], list[dict]]:
    """Return a function that reads the text messages sent so far in this test."""

    def read() -> list[dict]:
        if not _sms_log.exists():
            return []
        return [json.loads(line) for line in _sms_log.read_text("utf-8").splitlines()]

    return read


@pytest.fixture
def request_code(client: Client, django_capture_on_commit_callbacks) -> Callable[..., HttpResponse]:
    """Return a function that asks for a sign-in code the way the app does.

    The SMS is sent on commit; tests run inside a transaction that never commits, so
    the commit callbacks are run explicitly, as they would be after a real request.
    """

    def post(phone: str, **extra) -> HttpResponse:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                OTP_REQUEST, {"phone": phone}, content_type="application/json", **extra
            )
        return response

    return post


@pytest.fixture
def verify_code(client: Client) -> Callable[[str, str], HttpResponse]:
    """Return a function that posts a phone and code to the verify endpoint."""

    def post(phone: str, code: str) -> HttpResponse:
        return client.post(
            OTP_VERIFY, {"phone": phone, "code": code}, content_type="application/json"
        )

    return post
