"""Issue 11: the web upload reads with the same reader, limits and encodings as the command
line: every file of the hostile corpus gets the reader's message, no 500, nothing saved;
Excel's UTF-16 "Unicode 文本" is accepted as the command line accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hostile_files import corpus

from kaoping.scoring.errors import DataError
from kaoping.tables import read_sheet
from kaoping.tables.read import printable_name
from kaoping.web.submissions.models import Submission

CORPUS = corpus()
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def upload(world):
    round = world.collecting()
    client = world.client(world.dong_user)

    def post(name: str, content: bytes):
        url = reverse("submissions:upload", args=[round.pk, world.dongcheng.pk])
        return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)

    post.round = round
    return post


def reader_message(content: bytes, filename: str) -> str:
    try:
        read_sheet(content, filename)
    except DataError as exc:
        return exc.problems[0].render("zh").split("：", 1)[1]
    raise AssertionError("the reader accepted a hostile file")


@pytest.mark.parametrize(
    ("name", "filename", "content", "code"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_hostile_upload_gets_the_readers_message(upload, name, filename, content, code):
    response = upload(filename, content)
    assert response.status_code in (200, 400)
    text = response.content.decode()
    expected = reader_message(content, printable_name(filename))
    web_refusals = ("解压后的数据量远超", "已损坏或不是有效的")  # the upload's own zip check
    assert expected[:25] in text or any(r in text for r in web_refusals), text[-2000:]
    assert not Submission.objects.filter(
        round=upload.round, values__has_key="local_raised"
    ).exists()


@pytest.mark.parametrize("name", ["东城区.csv", "东城区.txt"])
def test_utf16_unicode_text_is_accepted_like_the_command_line(upload, world, name):
    demo = (EXAMPLES / "mof-2012-demo-2024.csv").read_text(encoding="utf-8-sig").splitlines()
    own = [line for line in demo[1:] if line.startswith(world.dongcheng.code + ",")]
    text = "\r\n".join(line.replace(",", "\t") for line in [demo[0], *own]) + "\r\n"
    content = text.encode("utf-16")  # what Excel's "Unicode 文本" writes: BOM, tabs
    assert content.startswith(b"\xff\xfe")
    response = upload(name, content)
    assert response.status_code == 200, response.content.decode()[-1500:]
    submission = Submission.objects.get(round=upload.round, unit=world.dongcheng)
    assert submission.values["local_raised"] is not None
