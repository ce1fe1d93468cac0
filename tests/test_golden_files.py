"""The golden-file comparison fails on a difference, with the update flag too."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_files import golden_check


def test_a_difference_fails_without_the_flag_and_the_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"a\.txt differs .* --update-golden"):
        golden_check(update=False)(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    with pytest.raises(pytest.fail.Exception, match=r"differs"):
        golden_check(update=False)(tmp_path / "missing.txt", "new\n")


def test_the_flag_rewrites_and_still_fails_that_run(tmp_path: Path) -> None:
    path = tmp_path / "golden" / "a.xml"
    with pytest.raises(pytest.fail.Exception, match=r"a\.xml rewritten"):
        golden_check(update=True)(path, b"<new/>")
    assert path.read_bytes() == b"<new/>"
    golden_check(update=True)(path, b"<new/>")  # the same result: nothing to do, passes
    golden_check(update=False)(path, "<new/>")  # text and bytes compare alike
