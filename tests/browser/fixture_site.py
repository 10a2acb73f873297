"""The site the browser tests read: a county with offices under it, every format, a broken report, long text."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import report_yaml, write_office, write_report

ROOT = Path(__file__).resolve().parents[2]
SUB_PATH = "/gov/xxgk/"
BASE_URL = "https://www.example.gov.cn" + SUB_PATH

# Every page kind, by the name the tests print, and its URL below the sub-path.
PAGES = {
    "home": "index.html",
    "office": "xianzhengfu/index.html",  # a parent office: its children, contacts, years
    "year": "years/2023/index.html",  # the sortable table
    "report": "xianzhengfu/2023/index.html",  # long narrative: headings, lists, pipe tables, links
    "report-broken": "jiaoyuju/2022/index.html",  # breaks R1: the notice
    "report-2019": "chengguan/2020/index.html",
    "report-legacy": "hehualu/2015/index.html",  # free-form text and an appended table
    "summary": "xianzhengfu/2023/summary/index.html",  # the 下级汇总: coverage, children compared, summed tables
    "404": "no/such/page.html",  # a missing page: the host serves 404.html in its place
    "accessibility": "accessibility/index.html",
    "status": "status/index.html",  # 发布情况: a table of counts, and a sortable table per year
    "search": "search/index.html",
}

SITE_YAML = f"""\
name: 某某县政府信息公开
base_url: {BASE_URL}
organiser: 某某县人民政府办公室
search: true
site_id_code: "1234000001"
icp: 京ICP备00000000号-1
police_record: 京公网安备11000000000001号
contact: {{phone: 010-00000000, email: xxgk@example.gov.cn, address: 某某县县府路1号（邮编 100000）}}
accessibility:
  contact: 如需本网站内容的无障碍版本（大字版、纯文本或盲文），请拨打 010-00000000 或发送邮件，我们将在 5 个工作日内提供。
  limitations: 2019 年以前的历史报告按原文发布，附表可能没有完整的表头。
  reviewed: "2024-03-01"
"""

# A long narrative as staff write them: sub-headings, numbered and bulleted lists, a pipe table, links,
# a quotation, a paragraph indented with four spaces (Markdown makes that a code block), and a long
# unbroken web address that must wrap on a phone instead of widening the page.
LONG_OVERVIEW = """\
2023年，某某县人民政府深入贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），\
围绕县委、县政府中心工作，以公开促落实、促规范、促服务，政务公开工作取得新成效。\
本报告全文可在[某某县人民政府门户网站](https://www.example.gov.cn/gov/xxgk/)查阅，\
如对本报告有疑问，请发送邮件至 <xxgk@example.gov.cn>。

## 主动公开

全年主动公开政府信息 3,215 条，其中：

1. 政策文件 126 件，均同步发布政策解读；
2. 财政预决算信息 58 条；
3. 重大建设项目信息 214 条。

重点领域信息公开情况如下表：

| 领域 | 公开条数 | 较上年 |
|---|---:|---:|
| 财政资金 | 412 | +36 |
| 公共资源配置 | 287 | +12 |
| 重大建设项目 | 214 | -8 |

各乡镇公开专区建设情况：

| 乡镇 | 专区栏目数 | 全年更新条数 | 其中政策文件 | 其中办事指南 | 群众留言回复 | 办理时限（工作日） |
|---|---|---|---|---|---|---|
| 城关镇 | 12 | 356 | 48 | 97 | 31 | 5 |
| 东关镇（含原西关镇合并后新设的社区居民委员会） | 10 | 211 | 22 | 64 | 18 | 5 |

### 政策解读

- 主要负责同志带头解读政策 12 次；
- 以图表、视频等形式解读 45 次；
- 在新闻发布会上回应社会关切 9 次。

## 依申请公开

全年新收政府信息公开申请 17 件，均在法定期限内答复。办理流程见：\
https://www.example.gov.cn/gov/xxgk/zwgk/ysqgk/banliliucheng/2023/index_of_the_application_procedure.html

> 申请人可以通过信函、网络等方式提出申请，本机关不收取信息处理费。

    本段在原稿中首行缩进了四个空格。按 Markdown 的规定，这样的段落会成为代码块；页面应当让它自动换行，而不是让整段文字排成很长的一行，迫使读者在段落里左右滚动才能读完。

## 政府信息管理与平台建设

严格落实信息发布“三审三校”制度，全年未发生泄密和错误发布问题。整合政务新媒体账号 6 个，\
**政府网站年度报表**按时发布，*政务公开专区*实现县、乡、村三级全覆盖。
"""


# The report whose narrative speaks most of 复议 (administrative reconsideration): a search's first result.
REVIEW_PROBLEMS = (
    "本年度发生行政复议案件 2 件，均已审结。针对复议中发现的答复说理不充分问题，已逐案整改，并组织复议案例专题培训。"
)
DRAFT_WORD = "蓝鲸专项"  # found in the draft alone


def _consistent(year: int, count: int) -> dict[str, int]:
    """Table 三 values that satisfy R1–R3: `count` new applications from natural persons, all granted."""
    values = {}
    for row in ("new_received", "granted", "outcome_total"):
        values[f"applications.{row}.natural_person"] = count
        values[f"applications.{row}.total"] = count
    return values


def _dated(text: str, published: str) -> str:
    return text.replace("format:", f"published: {published}\nformat:", 1)


def write_fixture_site(site: Path) -> Path:
    """A county government with three offices under it and one beside it, reports from 2015 to 2023."""
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    write_office(
        site,
        "xianzhengfu",
        "某某县人民政府",
        "full_name: 某某省某某市某某县人民政府\nkind: 政府\n"
        "contact: {phone: 010-00000001, address: 某某县县府路1号, email: zhengfu@example.gov.cn, "
        "website: https://www.example.gov.cn/}\n",
    )
    write_office(site, "jiaoyuju", "某某县教育局", "parent: xianzhengfu\nkind: 部门\n")
    write_office(site, "gonganju", "某某县公安局", "parent: xianzhengfu\nkind: 部门\n")
    write_office(site, "chengguan", "城关镇人民政府", "kind: 乡镇街道\n")
    # The bundled example office (a 2015 free-form report, a 2020 report on the 2019 format, 2023), under the county.
    example = site / "content" / "hehualu"
    shutil.copytree(ROOT / "content" / "hehualu", example)
    office = example / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8") + "parent: xianzhengfu\n", encoding="utf-8")

    write_report(site, "xianzhengfu", 2022, _dated(report_yaml(2022, values=_consistent(2022, 12)), "2023-01-18"))
    write_report(
        site,
        "xianzhengfu",
        2023,
        _dated(report_yaml(2023, values=_consistent(2023, 17), overview=LONG_OVERVIEW), "2024-01-19"),
    )
    # 2022: table 三 breaks R1 (new applications but no outcome), so the page carries the notice.
    broken = {"applications.new_received.natural_person": 5, "applications.new_received.total": 5}
    write_report(site, "jiaoyuju", 2022, _dated(report_yaml(2022, values=broken), "2023-01-30"))
    write_report(
        site,
        "jiaoyuju",
        2023,
        _dated(report_yaml(2023, values=_consistent(2023, 4), problems=REVIEW_PROBLEMS), "2024-01-25"),
    )
    # Totals left out of the file are computed (and marked as computed in the table).
    omitted = report_yaml(2023, values=_consistent(2023, 9)).replace("[9, 0, 0, 0, 0, 0, 9]", "[9, 0, 0, 0, 0, 0]")
    write_report(site, "gonganju", 2023, omitted)
    write_report(site, "chengguan", 2020, _dated(report_yaml(2020, format_id="2019"), "2021-01-29"))
    # A draft: published nowhere, and in no search index.
    draft = report_yaml(2022, values=_consistent(2022, 2), problems=f"{DRAFT_WORD}的整改情况待补充。")
    write_report(site, "gonganju", 2022, "draft: true\n" + draft)
    return site
