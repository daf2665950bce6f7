"""End to end, in a real browser: a clerk uploads a sheet that updates a stored enterprise with
one blank cell and one 〔清空〕 cell (and a dozen other enterprises with long addresses), reads
the preview — old → new for every change, 将清空 flagged — at a phone's, a laptop's and a wide
screen's width, confirms, and the stored data kept the blank cell's value and cleared the
other (docs/domain.md, "Imports").

Each step's page is saved as a PNG in ``test-artifacts/e2e/`` (or ``$E2E_SCREENSHOTS``).
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from benchmarking.columns import ENTERPRISE_FIELDS
from benchmarking.models import Enterprise
from tests.e2e.test_declaration_journey import log_in
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [c.header for c in ENTERPRISE_FIELDS]
LONG_ADDRESS = "浙江省金华市永康市经济开发区五金科技工业园区金城路{n}号现代五金产业创新服务综合体{n}幢"


def sheet(rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(HEADERS)
    for values in rows:
        ws.append([values.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def required(e: Enterprise) -> dict:
    return {
        "统一社会信用代码": e.credit_code,
        "企业名称": e.name,
        "所属监管所": e.branch_office.name,
        "行业": e.industry.name,
    }


def test_a_blank_cell_keeps_and_the_marker_clears_as_the_preview_says(
    new_page, live_server, shoot, tmp_path, bureau_staff, office
):
    stored = EnterpriseFactory(
        name="永康市示例杯业有限公司",
        branch_office=office,
        address="永康市五金大道 1 号",
        legal_representative="张三",
        phone="0579-8711 1111",
        zhejiang_made=True,
    )
    others = EnterpriseFactory.create_batch(
        12, branch_office=office, address="永康市旧址", contact_person="王五", phone="0579-8700 0000"
    )
    rows = [
        {
            **required(stored),
            "地址": "",  # blank: stays 永康市五金大道 1 号
            "法定代表人": "〔清空〕",  # cleared
            "联系电话": "0579-8722 2222",
        },
        *(
            {
                **required(e),
                "地址": LONG_ADDRESS.format(n=i + 1),
                "联系人": "赵六（对标工作联络员，负责标准化事务与企业标准自我声明公开）",
                "联系电话": f"0579-8733 {i:04d}",
            }
            for i, e in enumerate(others)
        ),
    ]
    upload = tmp_path / "企业更新.xlsx"
    upload.write_bytes(sheet(rows))

    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, bureau_staff.username)
    page.goto(live_server.url + reverse("import-upload", args=["enterprises"]))
    page.get_by_label("选择文件").set_input_files(upload)
    page.get_by_role("button", name="上传并预览").click()

    # The clearing row comes first, open, flagged, each change old → new.
    assert "1 条记录的已有内容将被清空" in page.locator(".import-clearing").inner_text()
    first = page.locator(".import-updates > li").first
    assert stored.name in first.locator("summary").inner_text()
    assert "将清空：法定代表人" in first.locator("summary").inner_text()
    changes = first.locator(".import-diff").inner_text()
    assert "张三" in changes and "（清空）" in changes
    assert "0579-8711 1111" in changes and "0579-8722 2222" in changes
    assert "地址" not in changes  # the blank cell changes nothing
    assert page.locator(".import-updates > li").count() == 13
    for width in (1366, 390, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        # The other rows' changes, opened to see the long old → new list at each width.
        page.locator(".import-updates details:not([open]) > summary").first.click()
        page.locator(".import-updates details:not([open]) > summary").first.click()
        shoot(page, f"0{(1366, 390, 1920).index(width) + 1} 预览 {width} 宽")
        # Nothing is wider than the screen: a long address wraps.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name="确认导入").click()
    assert "更新 13 条" in page.locator(".messages").inner_text()
    shoot(page, "04 导入完成")

    stored.refresh_from_db()
    assert (stored.address, stored.legal_representative, stored.phone, stored.zhejiang_made) == (
        "永康市五金大道 1 号",
        "",
        "0579-8722 2222",
        True,
    )
    latest = stored.history.latest("history_date", "history_id")
    assert latest.history_change_reason == "批量导入：企业更新.xlsx（企业）"
