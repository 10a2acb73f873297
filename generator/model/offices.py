"""Office kinds: the four kinds of office a site.yaml deadline and an office.yaml `kind:` name, and the
kind an office's name suggests (for `gongkai import`, which writes office.yaml from a report's title).

Part of the model: imports nothing of generator.
"""

from __future__ import annotations

# kind -> its description (office.yaml `kind:`, site.yaml `deadlines:`, the office and status pages)
OFFICE_KINDS = {"政府": "本级政府", "部门": "政府部门", "乡镇街道": "乡镇人民政府或街道办事处", "其他": "其他机关单位"}
# The end of an office's name -> the kind it suggests, tried in this order (街道办事处 before 街道).
KIND_BY_NAME_ENDING = (
    ("街道办事处", "乡镇街道"),
    ("街道", "乡镇街道"),
    ("人民政府", "政府"),
    ("镇", "乡镇街道"),
    ("乡", "乡镇街道"),
)


def kind_of_name(name: str) -> str:
    """The kind of office a name suggests (乡镇街道 for 荷花路街道办事处), or "" when it suggests none."""
    return next((kind for ending, kind in KIND_BY_NAME_ENDING if name.endswith(ending)), "")
