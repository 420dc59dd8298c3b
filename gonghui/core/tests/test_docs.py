import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_documents_every_environment_variable_the_settings_read():
    source = (ROOT / "gonghui" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool)\(\s*"([A-Z_]+)"', source))
    assert len(read) > 10
    documented = set(
        re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs/configuration.md").read_text(), re.M)
    )
    assert read - documented == set(), "undocumented settings"


def test_it_keeps_the_two_commands_at_the_top_of_the_readme():
    head = (ROOT / "README.md").read_text()[:1500]
    assert "make run" in head and "make test" in head
    ci = (ROOT / ".ci/run").read_text()
    assert re.search(r"^make test$", ci, re.M)
