"""Browser: a worker applies for critical-illness relief on a 360 px phone, sees at once
what is missing, uploads a photo per item (a wrong file is refused), and submits."""

import re
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from gonghui.members.models import Member
from gonghui.members.testing import make_id_number
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

PHONE = "13900000151"


def _fits_360(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[1] == 360 and widths[0] <= 360, f"page scrolls sideways: {widths}"


def _photo(tmp_path, name: str):
    path = tmp_path / name
    Image.new("RGB", (60, 40), (10, 120, 200)).save(path, "PNG")
    return path


@pytest.mark.browser
def test_a_worker_applies_and_sees_what_is_missing_on_a_phone(
    demo_data, phone_page: Page, sign_in_code, tmp_path
) -> None:
    union = Org.objects.filter(kind=OrgKind.GRASSROOTS).order_by("path").first()
    id_number = make_id_number(151)
    Member.objects.create(
        name="陈师傅",
        id_number=id_number,
        gender="male",
        birth_date=date(1990, 5, 17),
        org=union,
        member_number="E2ECARE151",
        joined_on=date(2019, 3, 1),
    )

    phone_page.goto("/h5/care/")
    phone_page.get_by_label("手机号").fill(PHONE)
    phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.get_by_label("验证码").fill(sign_in_code(PHONE))
    phone_page.get_by_role("button", name="登录", exact=True).click()
    expect(phone_page).to_have_url(re.compile(r"/h5/care/$"))

    phone_page.get_by_role("link", name="申请大病慰问救助").click()
    phone_page.get_by_label("姓名").fill("陈师傅")
    phone_page.get_by_label("身份证号").fill(id_number)
    phone_page.get_by_label("我住过院").check()
    phone_page.get_by_label("个人自付医疗费用（元）").fill("23000")
    _fits_360(phone_page)
    phone_page.get_by_role("button", name="下一步：上传材料").click()

    # Not employed, so no 单位证明: four items, each named.
    expect(phone_page.locator("#care-missing")).to_have_text("还缺 4 项材料")
    checklist = phone_page.locator("#care-checklist")
    expect(checklist).not_to_contain_text("单位证明")
    _fits_360(phone_page)

    phone_page.get_by_label("拍照或选择文件：身份证").set_input_files(_photo(tmp_path, "id.png"))
    phone_page.get_by_role("button", name="上传身份证").click()
    expect(phone_page.locator("#care-missing")).to_have_text("还缺 3 项材料")
    expect(phone_page.locator('[data-material="id_card"]')).to_contain_text("已上传")

    # A file that is not a photo or PDF is refused, and the list stays as it was.
    fake = tmp_path / "bill.png"
    fake.write_bytes(b"this is not a picture")
    phone_page.get_by_label("拍照或选择文件：诊断证明").set_input_files(fake)
    phone_page.get_by_role("button", name="上传诊断证明").click()
    expect(phone_page.get_by_role("alert")).to_contain_text("不是JPG、PNG图片或PDF文件")
    expect(phone_page.locator("#care-missing")).to_have_text("还缺 3 项材料")

    # Submitting too early names every missing item.
    phone_page.get_by_role("button", name="提交申请").click()
    alert = phone_page.get_by_role("alert")
    for name in ("诊断证明", "住院发票或费用清单", "银行卡"):
        expect(alert).to_contain_text(name)

    for code, label in (
        ("diagnosis", "诊断证明"),
        ("invoices", "住院发票或费用清单"),
        ("bank_card", "银行卡"),
    ):
        phone_page.get_by_label(f"拍照或选择文件：{label}").set_input_files(
            _photo(tmp_path, f"{code}.png")
        )
        phone_page.get_by_role("button", name=f"上传{label}").click()
    expect(phone_page.locator("#care-missing")).to_have_text("材料已齐全，可以提交。")
    phone_page.get_by_role("button", name="提交申请").click()
    expect(phone_page.locator("#care-status")).to_contain_text("基层工会审核中")
    _fits_360(phone_page)
