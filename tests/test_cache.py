"""The parse cache: hits for unchanged files, misses for any change, survives damage."""

from __future__ import annotations

from generator.cache import ParseCache
from tests.helpers import report_yaml, write_report, write_site


def test_cache_hits_and_misses(tmp_path):
    root = write_site(tmp_path / "site")
    path = write_report(root, "a", 2023, report_yaml())
    cache = ParseCache(tmp_path / "cache")
    first, findings, key = cache.read(path, "content/a/2023.yaml", "a")
    again, again_findings, again_key = cache.read(path, "content/a/2023.yaml", "a")
    assert (cache.hits, cache.misses) == (1, 1)
    assert again == first and again.values == first.values and again.positions == first.positions
    assert again_findings == findings and again_key == key
    # the same bytes shown under another path are another entry (messages carry the path)
    cache.read(path, "elsewhere/2023.yaml", "a")
    assert cache.misses == 2
    path.write_text(report_yaml().replace("licensing: 0", "licensing: 7"), encoding="utf-8")
    changed, _, changed_key = cache.read(path, "content/a/2023.yaml", "a")
    assert changed_key != key and changed.value("proactive", "licensing", "decisions") == 7
    assert cache.misses == 3


def test_damaged_entry_is_read_again(tmp_path):
    root = write_site(tmp_path / "site")
    path = write_report(root, "a", 2023, report_yaml())
    cache = ParseCache(tmp_path / "cache")
    report, _, key = cache.read(path, "p", "a")
    entry = tmp_path / "cache" / "reports" / key[:2] / f"{key}.pickle"
    entry.write_bytes(b"not a pickle")
    again, _, _ = cache.read(path, "p", "a")
    assert again == report and cache.misses == 2


def test_findings_are_cached_too(tmp_path):
    root = write_site(tmp_path / "site")
    path = write_report(root, "a", 2023, report_yaml().replace("licensing: 0", "licensing: 十"))
    cache = ParseCache(tmp_path / "cache")
    _, findings, _ = cache.read(path, "p", "a")
    report, cached, _ = cache.read(path, "p", "a")
    assert report is None and cached == findings and "汉字数字" in cached[0].message
