"""Issue 6.3: uploads are checked by size, by content and for decompression bombs first."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.submissions.models import Attachment, Submission
from kaoping.web.submissions.uploads import DOCUMENT_TYPES, UploadRejected, check_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def bomb_xlsx(uncompressed_mb: int = 50) -> bytes:
    """A zip named .xlsx whose one sheet expands from ~50 KB to ``uncompressed_mb`` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (uncompressed_mb * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def page(world):
    round = world.collecting()
    client = world.client(world.dong_user)

    def post(name: str, content: bytes, view: str = "upload"):
        url = reverse(f"submissions:{view}", args=[round.pk, world.dongcheng.pk])
        return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)

    post.round = round
    return post


def saved_nothing(round) -> bool:
    return not Submission.objects.filter(round=round, values__has_key="local_raised").exists()


def test_an_xlsx_decompression_bomb_is_refused_before_parsing(page):
    content = bomb_xlsx()
    assert len(content) < 200_000
    text = page("东城区.xlsx", content).content.decode()
    assert "压缩炸弹" in text and "东城区.xlsx" in text
    assert saved_nothing(page.round)


def test_a_file_whose_content_is_not_its_type_is_refused(page):
    text = page("东城区.xlsx", b"unit_code,unit_name\n110101,x\n").content.decode()
    assert "并不是真正的 XLSX 文件" in text
    text = page("东城区.xlsx", b"PK\x03\x04 truncated zip").content.decode()
    assert "已损坏" in text
    assert saved_nothing(page.round)


def test_a_binary_file_named_csv_is_refused(page):
    text = page("东城区.csv", b"\x00\x01\x02garbage").content.decode()
    assert "不是文本（CSV）文件" in text


def test_an_oversized_upload_is_refused_with_the_limit(page, settings):
    settings.KAOPING_MAX_UPLOAD_BYTES = 1024 * 1024
    text = page("东城区.csv", b"a" * (1024 * 1024 + 1)).content.decode()
    assert "超过上限 1.0 MB" in text
    assert saved_nothing(page.round)


def test_attachments_are_checked_by_content_and_a_real_png_is_accepted(world, page):
    text = page("发票.pdf", PNG, view="attach").content.decode()
    assert "并不是真正的 PDF 文件" in text
    assert not Attachment.objects.exists()
    page("照片.png", PNG, view="attach")
    assert Attachment.objects.get().name == "照片.png"
    assert AuditEntry.objects.filter(action="submission.attach").count() == 1
    text = page("病毒.exe", b"MZ\x90\x00", view="attach").content.decode()
    assert "不能上传这种类型的文件" in text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", b"%PDF-1.7\n"),
        ("a.jpg", b"\xff\xd8\xff\xe0"),
        ("a.csv", "单位,值\n".encode("gb18030")),
    ],
)
def test_genuine_documents_pass(name, content):
    assert check_upload(content, name, DOCUMENT_TYPES) == "." + name.rsplit(".", 1)[1]


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected, match="空文件"):
        check_upload(b"", "a.pdf", DOCUMENT_TYPES)


def test_a_csv_with_a_huge_cell_gets_a_message_not_a_server_error(page):
    with open("examples/mof-2012-demo-2024.csv", encoding="utf-8-sig") as handle:
        header, first = handle.read().splitlines()[:2]
    cells = first.split(",")
    cells[3] = "9" * 300_000
    response = page("东城区.csv", f"{header}\n{','.join(cells)}\n".encode())
    assert response.status_code == 400
    text = response.content.decode()
    assert "无法读取文件" in text and "CSV 格式错误" in text
    assert saved_nothing(page.round)
