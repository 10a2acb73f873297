"""Source documents for the importer's tests: the real sample with every value numbered, and variants.

The sample (tests/samples/hehualu-2023.txt, a copy of ../shared/samples/hehualu-2023.txt: a real report
copied from Word) has a 0 in every value cell, in the order of the form. Numbering those cells 100, 101, ... gives a real layout whose
every value is different, so a value placed in the wrong cell cannot go unnoticed.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from generator.model.format import get_format
from generator.model.values import cell_key

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "samples" / "hehualu-2023.txt"
EXAMPLE = ROOT / "content" / "hehualu" / "2023.yaml"
FEES = "proactive.administrative_fees.fees"
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def form_keys(format_id: str = "2021") -> list[str]:
    return [cell_key(*key) for key in get_format(format_id).cell_keys()]


def numbered_sample(first: int = 100) -> tuple[str, dict[str, object]]:
    """The sample's text with its value cells numbered in the form's order, and the values expected."""
    numbers = iter(range(first, first + 1000))
    expected = {key: Decimal("1234.56") if key == FEES else next(numbers) for key in form_keys()}
    return sample_with(expected, {FEES: "1,234.56"}), expected


def sample_with(values: dict[str, object], texts: dict[str, str] | None = None) -> str:
    """The sample's text with its value cells holding these values (or these texts), in the form's order."""
    keys = iter(form_keys())
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        for index, cell in enumerate(cells):
            if cell == "0":
                key = next(keys)
                cells[index] = (texts or {}).get(key) or shown(values[key])
        lines.append("\t".join(cells))
    assert next(keys, None) is None, "the sample has a value cell for every cell of the form"
    return "\n".join(lines)


def consistent_values(rng: random.Random, format_id: str = "2021", most: int = 30, places: int = 6) -> dict:
    """A random report of the form whose every rule holds (R1 to R4), the fees an amount with `places`
    decimals: the kind of report an office publishes when its figures add up."""
    fmt = get_format(format_id)
    table = fmt.tables["applications"]
    columns = APPLICANTS[:-1]
    values: dict[str, object] = {}
    leaves = [row.id for block, row in table.row_entries()]
    outcome = [r for r in leaves if r not in ("new_received", "carried_over", "outcome_total", "carried_forward")]
    for row in outcome + ["carried_over", "carried_forward"]:
        for column in columns:
            values[f"applications.{row}.{column}"] = rng.choice([0, 0, 0, rng.randint(0, most)])
    balance(values, format_id)
    for row in REVIEW_ROWS:
        parts = [rng.choice([0, rng.randint(0, 9)]) for _ in RESULTS[:-1]]
        values.update({f"review_litigation.{row}.{c}": v for c, v in zip(RESULTS, parts + [sum(parts)])})
    for key in form_keys(format_id):
        table_id, row, column = key.split(".")
        if table_id == "proactive":
            kind = fmt.column_of(table_id, row, column).type
            if kind == "amount":
                values[key] = Decimal(rng.randint(0, 10 ** (places + 5))).scaleb(-places)
            else:
                values[key] = rng.randint(-20 if kind == "signed_count" else 0, most * 10)
    assert set(values) == set(form_keys(format_id))
    return values


def balance(values: dict, format_id: str = "2021") -> None:
    """Make table 三 add up from its outcome rows and carried rows: （七）总计, 一 and each row's 总计."""
    leaves = [row.id for _, row in get_format(format_id).tables["applications"].row_entries()]
    outcome = [r for r in leaves if r not in ("new_received", "carried_over", "outcome_total", "carried_forward")]
    columns = APPLICANTS[:-1]
    for column in columns:
        handled = sum(values[f"applications.{row}.{column}"] for row in outcome)
        values[f"applications.outcome_total.{column}"] = handled
        forward, over = (values[f"applications.{r}.{column}"] for r in ("carried_forward", "carried_over"))
        if over > handled + forward:
            values[f"applications.carried_over.{column}"] = over = handled + forward
        values[f"applications.new_received.{column}"] = handled + forward - over
    for row in leaves:
        values[f"applications.{row}.total"] = sum(values[f"applications.{row}.{c}"] for c in columns)


def replace_line(text: str, starts: str, *new_lines: str) -> str:
    """The text with the first line that starts with `starts` (tabs shown as ⇥) replaced."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.replace("\t", "⇥").startswith(starts):
            return "\n".join(lines[:index] + list(new_lines) + lines[index + 1 :])
    raise AssertionError(f"no line starts with {starts!r}")


def line_of(text: str, starts: str) -> str:
    for line in text.split("\n"):
        if line.replace("\t", "⇥").startswith(starts):
            return line
    raise AssertionError(f"no line starts with {starts!r}")


# --- the national form as publishers lay it out --------------------------------------------------------
# Written out here as published pages and Word files show it (not derived from the format file), so
# that the importer is tested against the form's layout, not against its own reading of the format.

APPLICANTS = ("natural_person", "business", "research", "public_welfare", "legal_services", "other", "total")
RESULTS = ("upheld", "corrected", "other_result", "pending", "total")
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# table 二 (2021): blocks of (heading, column headings, [(row label, row id)]), and each block's column ids
PROACTIVE = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "regulations"), ("行政规范性文件", "normative_documents")], ("issued", "repealed", "in_force")),
    ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")], ("decisions",)),
    ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalties"), ("行政强制", "enforcement")], ("decisions",)),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "administrative_fees")], ("fees",)),
]  # fmt: skip

# table 三: each row's label cells as (text, rowspan, colspan), then the row id
APPLICATIONS = [
    ([("一、本年新收政府信息公开申请数量", 1, 3)], "new_received"),
    ([("二、上年结转政府信息公开申请数量", 1, 3)], "carried_over"),
    ([("三、本年度办理结果", 22, 1), ("（一）予以公开", 1, 2)], "granted"),
    ([("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)], "partly_granted"),
    ([("（三）不予公开", 8, 1), ("1.属于国家秘密", 1, 1)], "state_secret"),
    ([("2.其他法律行政法规禁止公开", 1, 1)], "prohibited_by_law"),
    ([("3.危及“三安全一稳定”", 1, 1)], "security_stability"),
    ([("4.保护第三方合法权益", 1, 1)], "third_party_rights"),
    ([("5.属于三类内部事务信息", 1, 1)], "internal_affairs"),
    ([("6.属于四类过程性信息", 1, 1)], "process_information"),
    ([("7.属于行政执法案卷", 1, 1)], "enforcement_files"),
    ([("8.属于行政查询事项", 1, 1)], "enquiry_matters"),
    ([("（四）无法提供", 3, 1), ("1.本机关不掌握相关政府信息", 1, 1)], "not_held"),
    ([("2.没有现成信息需要另行制作", 1, 1)], "requires_creation"),
    ([("3.补正后申请内容仍不明确", 1, 1)], "still_unclear"),
    ([("（五）不予处理", 5, 1), ("1.信访举报投诉类申请", 1, 1)], "petitions"),
    ([("2.重复申请", 1, 1)], "repeated"),
    ([("3.要求提供公开出版物", 1, 1)], "publications"),
    ([("4.无正当理由大量反复申请", 1, 1)], "excessive"),
    ([("5.要求行政机关确认或重新出具已获取信息", 1, 1)], "confirmation"),
    (
        [("（六）其他处理", 3, 1), ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1, 1)],
        "no_correction",
    ),
    ([("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 1, 1)], "fees_unpaid"),
    ([("3.其他", 1, 1)], "other_reasons"),
    ([("（七）总计", 1, 2)], "outcome_total"),
    ([("四、结转下年度继续办理", 1, 3)], "carried_forward"),
]

REVIEW_ROWS = ("reconsideration", "lawsuit_direct", "lawsuit_after_review")
RESULT_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def numbered_values(first: int = 100) -> dict[str, object]:
    """Every cell of the 2021 form with a value of its own."""
    values: dict[str, object] = {}
    for number, key in enumerate(form_keys(), first):
        values[key] = Decimal(f"{number}.25") if key == FEES else number
    return values


def shown(value) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def blank_zeros_and_totals(values: dict) -> dict[str, str]:
    """Cell texts for table 三 as many offices publish it, 0 left blank and the 总计 column empty, and the
    fees in 元 (exactly: 5949.088667 万元 is 59490886.67元)."""
    texts = {key: "" for key, value in values.items() if key.startswith("applications.") and value == 0}
    texts.update({key: "" for key in values if key.startswith("applications.") and key.endswith(".total")})
    texts[FEES] = f"{values[FEES].scaleb(4):f}元"
    return texts
