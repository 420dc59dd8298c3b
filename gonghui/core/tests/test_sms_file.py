"""The demo's SMS transport writes the log file and nothing on the console."""

import json

from gonghui.core.sms import ConsoleFileSMS, FileSMS


def test_file_sms_writes_the_log_only(settings, tmp_path, capsys):
    settings.GONGHUI_SMS_LOG = tmp_path / "sms.log"
    FileSMS().send("13800138000", "验证码123456", message_id=7)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8"))
    assert (line["to"], line["text"], line["id"]) == ("13800138000", "验证码123456", 7)


def test_console_file_sms_prints_and_writes(settings, tmp_path, capsys):
    settings.GONGHUI_SMS_LOG = tmp_path / "sms.log"
    ConsoleFileSMS().send("13800138000", "验证码654321")
    assert "验证码654321" in capsys.readouterr().err
    assert "验证码654321" in (tmp_path / "sms.log").read_text(encoding="utf-8")
