"""A deterministic synthetic site for benchmarks: realistic offices with parents, valid numbers, long narratives.

    python bench/make_site.py --offices 5000 --years 2021-2024 --out /tmp/big

Every report satisfies every rule (R1–R8, including the cross-year ones), except about one in a hundred,
which has one deliberately broken sum, as real published reports do.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.model.format import format_for_year  # noqa: E402
from generator.read.scaffold import report_text  # noqa: E402

APPLICANTS = ("natural_person", "business", "research", "public_welfare", "legal_services", "other")
PLACES = "东城 西城 南山 北湖 青山 白水 长安 永宁 新华 和平 建设 红旗 光明 胜利 朝阳 人民 文化 解放 团结 振兴".split()
DEPARTMENTS = "教育局 公安局 民政局 财政局 人力资源和社会保障局 自然资源局 生态环境局 住房和城乡建设局 交通运输局 水利局 农业农村局 商务局 文化和旅游局 卫生健康委员会 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 城市管理局".split()
TOWNS = ("街道办事处", "镇人民政府", "乡人民政府")
SENTENCES = (
    "本机关坚持以人民为中心的发展思想，认真贯彻落实《中华人民共和国政府信息公开条例》，",
    "围绕中心工作，持续深化政务公开，不断提升政府信息公开的质量和实效，",
    "进一步完善主动公开目录，及时公开机构职能、政策文件、规划计划、财政预决算等信息，",
    "严格落实依申请公开办理流程，规范受理、登记、审核、答复等各个环节，确保在法定期限内答复，",
    "加强政策解读，通过图文解读、问答等多种形式回应社会关切，",
    "健全信息发布审核机制，坚持先审后发，防止泄露国家秘密和个人隐私，",
    "加强政府网站和政务新媒体建设管理，优化栏目设置，提升信息检索和获取的便利性，",
    "将政务公开工作纳入年度绩效考核，开展业务培训，提升工作人员的业务能力，",
    "畅通群众监督渠道，认真听取社会各界的意见建议，及时改进工作。",
)


def narrative(rng: random.Random, characters: int) -> str:
    paragraphs, length = [], 0
    while length < characters:
        paragraph = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 7)))
        paragraph = paragraph.rstrip("，") + "。"
        paragraphs.append(paragraph)
        length += len(paragraph)
    return "\n\n".join(paragraphs)


def offices(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(slug, name, parent slug) for `count` offices: counties, each with departments and towns."""
    result: list[tuple[str, str, str]] = []
    county = 0
    while len(result) < count:
        county += 1
        place = PLACES[county % len(PLACES)] + ("县" if county % 3 else "区")
        county_slug = f"county-{county:04d}"
        result.append((county_slug, f"{place}{county // len(PLACES) or ''}人民政府", ""))
        for index in range(rng.randint(15, 40)):
            if len(result) >= count:
                break
            if index % 2:
                name = place + rng.choice(DEPARTMENTS)
            else:
                name = rng.choice(PLACES) + rng.choice(TOWNS)
            result.append((f"{county_slug}-{index:02d}", name, county_slug))
    return result


def report_values(rng: random.Random, carried_over: list[int], in_force: dict[str, int]) -> dict:
    """Numbers for one report that satisfy R1–R6 given last year's carried-forward and in-force counts."""
    values: dict = {}
    outcome_rows = ("granted", "partly_granted", "not_held", "repeated", "petitions", "other_reasons")
    outcomes = {row: [rng.choice((0, 0, 0, 1, 2, 5)) for _ in APPLICANTS] for row in outcome_rows}
    forward = [rng.choice((0, 0, 0, 1)) for _ in APPLICANTS]
    handled = [sum(outcomes[row][i] for row in outcome_rows) for i in range(len(APPLICANTS))]
    received = [max(0, handled[i] + forward[i] - carried_over[i]) for i in range(len(APPLICANTS))]
    forward = [received[i] + carried_over[i] - handled[i] for i in range(len(APPLICANTS))]

    def put(row: str, numbers: list[int]) -> None:
        for column, number in zip(APPLICANTS, numbers):
            values[f"applications.{row}.{column}"] = number
        values[f"applications.{row}.total"] = sum(numbers)

    put("new_received", received)
    put("carried_over", carried_over)
    for row, numbers in outcomes.items():
        put(row, numbers)
    put("outcome_total", handled)
    put("carried_forward", forward)
    for row in ("regulations", "normative_documents"):
        issued, repealed = rng.randint(0, 6), rng.randint(0, 2)
        repealed = min(repealed, in_force[row] + issued)
        in_force[row] += issued - repealed
        values[f"proactive.{row}.issued"] = issued
        values[f"proactive.{row}.repealed"] = repealed
        values[f"proactive.{row}.in_force"] = in_force[row]
    for row in ("licensing", "penalties", "enforcement"):
        values[f"proactive.{row}.decisions"] = rng.randint(0, 400)
    from decimal import Decimal

    values["proactive.administrative_fees.fees"] = Decimal(rng.randint(0, 2_000_000)) / 100
    reconsideration = [rng.choice((0, 0, 1)), 0, 0, rng.choice((0, 1))]
    values.update(
        {
            f"review_litigation.reconsideration.{c}": v
            for c, v in zip(("upheld", "corrected", "other_result", "pending"), reconsideration)
        }
    )
    values["review_litigation.reconsideration.total"] = sum(reconsideration)
    return values


def make_site(out: Path, office_count: int, first_year: int, last_year: int, seed: int = 2024) -> int:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text(
        "name: 政府信息公开年度报告（基准测试站点）\norganiser: 基准测试\n", encoding="utf-8"
    )
    written = 0
    for slug, name, parent in offices(office_count, rng):
        folder = out / "content" / slug
        folder.mkdir(parents=True, exist_ok=True)
        kind = "政府" if not parent else ("部门" if name.endswith(("局", "委员会")) else "乡镇街道")
        office = f"name: {name}\nkind: {kind}\n" + (f"parent: {parent}\n" if parent else "")
        (folder / "office.yaml").write_text(office, encoding="utf-8")
        carried = [0] * len(APPLICANTS)
        in_force = {"regulations": rng.randint(0, 30), "normative_documents": rng.randint(0, 80)}
        for year in range(first_year, last_year + 1):
            fmt = format_for_year(year)
            values = report_values(rng, carried, in_force)
            carried = [values[f"applications.carried_forward.{c}"] for c in APPLICANTS]
            if rng.random() < 0.01:  # a published report whose sums do not add up
                values["applications.granted.natural_person"] += 1
            texts = {
                "preface": f"本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至12月31日。",
                "overview": narrative(rng, 900),
                "problems": narrative(rng, 400),
                "other": "本年度未收取信息处理费。" + narrative(rng, 100),
            }
            text = report_text(fmt, name, year, values=values, texts=texts)
            text = text.replace(
                f"# published: {year + 1}-01-20  # 发布日期：发布时填写",
                f"published: {year + 1}-01-{rng.randint(10, 31)}",
            )
            (folder / f"{year}.yaml").write_text(text, encoding="utf-8")
            written += 1
    return written


def ensure_site(site: Path, offices: int, years: str) -> None:
    """Generate a site of `offices` offices over `years` ("2021-2024") into `site`, unless one is there."""
    if (site / "site.yaml").exists():
        return
    first, _, last = years.partition("-")
    started = time.perf_counter()
    count = make_site(site, offices, int(first), int(last or first))
    print(f"generated {count} reports of {offices} offices in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=100)
    parser.add_argument("--years", default="2021-2024", help="first-last, e.g. 2021-2024 (2021 format years)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    count = make_site(args.out, args.offices, int(first), int(last or first), args.seed)
    print(f"{count} reports of {args.offices} offices written to {args.out}")


if __name__ == "__main__":
    main()
