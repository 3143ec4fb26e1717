"""``manage.py verify_log``: the whole check of the evaluation log (what ``kaoping log verify``
runs): chain, signed checkpoints, recorded heads, vouched rows, re-derived results.

Exit status 0 when everything holds, 2 when something was tampered with (each problem is
named on stderr), 1 when the database cannot be read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kaoping.web.audit.anchors import verify_log

EXIT_TAMPERED = 2


class Command(BaseCommand):
    help = "校验评价日志及其担保的数据 / verify the evaluation log and what it vouches for"

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")
        parser.add_argument(
            "--no-rederive",
            action="store_true",
            help="不重新计算已公布成果 / skip evaluating published results again",
        )

    def handle(self, *args, lang: str = "zh", no_rederive: bool = False, **options):
        en = lang == "en"
        try:
            report = verify_log(rederive=not no_rederive)
        except DatabaseError as exc:
            raise CommandError(
                ("cannot read the evaluation log: " if en else "无法读取评价日志：")
                + str(exc).strip(),
                returncode=1,
            ) from None
        if report.ok:
            chain = report.chain
            self.stdout.write(
                (
                    f"The evaluation log is intact: {chain.count} entries, the chain holds.\n"
                    f"head: {chain.head}\n"
                    f"{report.checkpoints} signed checkpoints and every recorded head agree; the rows "
                    "it vouches for are unchanged; published results re-derive exactly."
                )
                if en
                else (
                    f"评价日志完整：{chain.count} 条，哈希链无误。\n链头：{chain.head}\n"
                    f"{report.checkpoints} 个签名检查点及公布、报告、档案记载的链头均相符；"
                    "日志担保的数据未被改动；已公布成果按冻结输入重新计算一致。"
                )
            )
            return
        lines = report.problems(lang)
        if report.chain.problem is not None:
            first = (
                f"The evaluation log's chain is broken: {lines[0]}."
                if en
                else f"评价日志哈希链断裂：{lines[0]}。"
            )
            lines = [first, *lines[1:]]
        heading = "The evaluation log did NOT verify:" if en else "评价日志校验未通过："
        raise CommandError(
            "\n".join([heading, *(f"- {line}" for line in lines)]), returncode=EXIT_TAMPERED
        )
