"""figures/ matches the results, or is moved aside with a note saying why it may not."""

from __future__ import annotations

import pytest

from sim.analysis.figure_folder import STALE, STALE_NOTE, final_path, replacing_figures


def test_a_successful_analysis_replaces_the_figures(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "old.png").write_text("old")
    with replacing_figures(tmp_path) as out:
        (out / "new.png").write_text("new")
        drawn = out / "new.png"
    assert final_path(drawn, tmp_path) == tmp_path / "figures" / "new.png"
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["new.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_a_failed_analysis_leaves_no_partial_set_and_marks_the_old_one_stale(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "old.png").write_text("old")
    with pytest.raises(ValueError, match="broken"), replacing_figures(tmp_path) as out:
        (out / "half.png").write_text("half")
        raise ValueError("broken input")
    assert not (tmp_path / "figures").exists()
    assert (tmp_path / STALE / "old.png").read_text() == "old"
    assert "failed (broken input)" in (tmp_path / STALE / STALE_NOTE).read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [STALE]
    with replacing_figures(tmp_path) as out:
        (out / "new.png").write_text("new")
    assert not (tmp_path / STALE).exists()
