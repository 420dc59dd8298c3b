import pytest

from gonghui.core import sweeps


def test_it_registers_the_sweeps_of_every_app():
    assert {"outbox", "appeals.overdue", "appeals.callbacks"} <= set(sweeps.SWEEPS)


@pytest.mark.django_db
def test_it_keeps_sweeping_when_one_sweep_fails(monkeypatch):
    calls = []

    def broken() -> int:
        raise RuntimeError("boom")

    def fine() -> int:
        calls.append("fine")
        return 3

    monkeypatch.setattr(sweeps, "SWEEPS", {"broken": broken, "fine": fine})
    assert sweeps.run_all() == {"broken": -1, "fine": 3}
    assert calls == ["fine"]
