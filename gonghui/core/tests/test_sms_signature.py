"""One SMS signature for every message, added in one place (core.sms.send_sms)."""

import json

from gonghui.core.sms import send_sms, signed


def test_it_signs_each_text_once_with_the_configured_signature(settings):
    settings.GONGHUI_SMS_SIGNATURE = "【北京市总工会】"
    assert signed("您的入会申请已提交。") == "【北京市总工会】您的入会申请已提交。"
    assert signed("【北京市总工会】已签名。") == "【北京市总工会】已签名。"
    settings.GONGHUI_SMS_SIGNATURE = "【测试工会】"
    assert signed("你好") == "【测试工会】你好"


def test_the_sent_message_carries_the_signature(settings, tmp_path):
    settings.GONGHUI_SMS_SIGNATURE = "【北京市总工会】"
    send_sms("13800000000", "您的诉求已受理。")
    line = json.loads(settings.GONGHUI_SMS_LOG.read_text("utf-8").splitlines()[-1])
    assert line["text"] == "【北京市总工会】您的诉求已受理。"
