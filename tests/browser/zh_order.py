"""Writes generator/zh_pinyin_order.txt: the Han characters in the order of Chromium's Intl.Collator('zh-CN')
(ICU's pinyin collation, from Unicode CLDR), and the multi-character sequences that collation reads as one.

    python -m tests.browser.zh_order     # rewrites the file; tests/browser/test_sorting.py checks it is current
"""

from __future__ import annotations

from generator.model.collation import ORDER_FILE
from tests.browser.tools import CHROMIUM_ARGS, chromium_path

# The Han blocks of the Basic Multilingual Plane: CJK Unified Ideographs and Extension A.
HAN = [chr(c) for c in range(0x4E00, 0xA000)] + [chr(c) for c in range(0x3400, 0x4DC0)]

# Words whose first character ICU's pinyin collation reads as in the word, not as alone. Of the 28,050 words
# starting with a character of several readings in pypinyin's dictionary, only 重庆 (chóng, not zhòng) is one.
CONTRACTIONS = ["重庆"]

HEADER = """\
# The order of Intl.Collator('zh-CN') in Chromium (ICU's pinyin collation, Unicode CLDR data): one character,
# or one sequence read as a whole, per line, first to last. Written by `python -m tests.browser.zh_order`;
# tests/browser/test_sorting.py checks it against the Chromium it runs.
"""


def icu_order(page) -> list[str]:
    """The Han characters and CONTRACTIONS in the browser's zh-CN order."""
    return page.evaluate("tokens => tokens.slice().sort(new Intl.Collator('zh-CN').compare)", HAN + CONTRACTIONS)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        order = icu_order(browser.new_page())
        browser.close()
    ORDER_FILE.write_text(HEADER + "\n".join(order) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
