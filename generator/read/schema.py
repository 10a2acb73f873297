"""The JSON Schema of report files, generated from the format definitions.

Editors (VS Code with the YAML extension) use it to validate and complete report files while staff
type; the reader in report.py remains the authority and gives the positioned messages.
"""

from __future__ import annotations

import json

from ..model.format import Column, Format, all_formats
from ..model.values import INTRO_KEY, REPORT_KEYS, SCOPES

VALUE_SCHEMAS = {
    "count": {"type": "integer", "minimum": 0, "description": "件数：0 或正整数"},
    "signed_count": {"type": "integer", "description": "增减数：整数，可为负"},
    "amount": {"type": "number", "minimum": 0, "description": "金额，单位：万元"},
}


_TEXT_ROWS = {"type": "array", "items": {"type": "array", "items": {"type": ["string", "number"]}}}
FREE_TABLES_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "caption": {"title": "表格标题", "type": "string"},
            "header": {"title": "表头行", **_TEXT_ROWS},
            "rows": {"title": "数据行", **_TEXT_ROWS},
        },
        "required": ["caption", "header", "rows"],
        "additionalProperties": False,
    },
}


def _cell(column: Column) -> dict:
    return {"title": column.label.zh, **VALUE_SCHEMAS[column.type]}


def _row_schema(label: str, columns: tuple[Column, ...]) -> dict:
    cells = [_cell(c) for c in columns]
    names = "、".join(c.label.zh for c in columns)
    if len(columns) == 1:
        return {
            "title": label,
            "description": f"{columns[0].label.zh}",
            "anyOf": [cells[0], {"type": "array", "items": cells, "minItems": 1, "maxItems": 1}],
        }
    minimum = len(columns) - 1 if columns[-1].may_omit else len(columns)
    return {
        "title": label,
        "description": f"依次为：{names}" + ("（最后一项可省略）" if minimum < len(columns) else ""),
        "type": "array",
        "items": cells,
        "additionalItems": False,
        "minItems": minimum,
        "maxItems": len(columns),
    }


def _format_schema(fmt: Format) -> dict:
    properties = _common_properties([fmt.id])
    required = ["format", "year"]
    for section in fmt.sections:
        if not section.optional:
            required.append(section.id)
        if section.kind == "narrative":
            properties[section.id] = {"title": section.heading, "type": "string", "description": "Markdown 文字"}
            continue
        if section.kind == "free_tables":
            properties[section.id] = FREE_TABLES_SCHEMA | {"title": section.heading}
            continue
        table = fmt.tables[section.id]
        rows = {INTRO_KEY: {"title": "表前说明", "type": "string"}}
        for block, row in table.row_entries():
            rows[row.id] = _row_schema(row.label.zh, block.leaf_columns)
        properties[section.id] = {
            "title": section.heading,
            "type": "object",
            "properties": rows,
            "required": [row.id for _, row in table.row_entries()],
            "additionalProperties": False,
        }
    if fmt.supplied_headlines:
        properties["headline"] = {
            "title": "主要数字",
            "type": "object",
            "properties": {h.id: {"title": h.label.zh, **VALUE_SCHEMAS["count"]} for h in fmt.headlines},
            "additionalProperties": False,
        }
    return {"properties": properties, "required": required, "additionalProperties": False}


def _common_properties(format_ids: list[str]) -> dict:
    return {
        "format": {"title": REPORT_KEYS["format"], "enum": format_ids},
        "year": {"title": REPORT_KEYS["year"], "type": "integer", "minimum": 1990, "maximum": 2100},
        "published": {
            "title": REPORT_KEYS["published"],
            "type": "string",
            "format": "date",
            "description": "如 2024-01-20",
        },
        "office_name": {"title": REPORT_KEYS["office_name"], "type": "string"},
        "source_url": {"title": REPORT_KEYS["source_url"], "type": "string"},
        "draft": {
            "title": REPORT_KEYS["draft"],
            "type": "boolean",
            "description": "true：草稿，不发布；删去这一行或改为 false 即发布",
        },
        "scope": {
            "title": REPORT_KEYS["scope"],
            "enum": list(SCOPES),
            "description": "本级（默认）：本机关自身的数字；汇总：表格是各下级单位报告之和，生成网站时逐格核对",
        },
        "revisions": {
            "title": REPORT_KEYS["revisions"],
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "date": {"title": "修订日期", "type": "string", "format": "date", "description": "如 2024-02-03"},
                    "note": {"title": "修订说明", "type": "string"},
                },
                "required": ["date", "note"],
                "additionalProperties": False,
            },
        },
    }


def report_schema() -> dict:
    """The JSON Schema (draft 7) of a report file: the keys all formats share, then each format's own (if/then)."""
    formats = list(all_formats().values())
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": "Generated by `gongkai schema` from the format definitions; do not edit by hand.",
        "title": "政府信息公开工作年度报告",
        "description": "Gongkai 报告文件：content/<机关>/<年度>.yaml",
        "type": "object",
        "properties": _common_properties([f.id for f in formats]),
        "required": ["format", "year"],
        "allOf": [
            {"if": {"properties": {"format": {"const": f.id}}, "required": ["format"]}, "then": _format_schema(f)}
            for f in formats
        ],
    }


def schema_text() -> str:
    """The schema as JSON text: what `gongkai schema` prints, written beside the reports and into the site."""
    return json.dumps(report_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
