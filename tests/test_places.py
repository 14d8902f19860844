"""Reading the place of an appeal from its text (core/publication/places.py), without a database:
names, short forms, aliases, landmarks, everyday words, districts, ambiguity."""

from __future__ import annotations

from core.publication.places import DivisionRow, Gazetteer
from core.publication.words import normalise

TREE = [
    DivisionRow("371302", "兰山区", "district", None),
    DivisionRow("371311", "罗庄区", "district", None),
    DivisionRow("371302001000", "兰山街道", "street", "371302"),
    DivisionRow("371302002000", "公平街道", "street", "371302"),
    DivisionRow("371302107000", "李官镇", "town", "371302", aliases=("李官乡",)),
    DivisionRow("371302107201", "朱陈村", "village", "371302107000"),
    DivisionRow("371302107201001", "第一网格", "grid", "371302107201"),
    DivisionRow("371311101000", "册山街道", "street", "371311"),
    DivisionRow("371311101201", "朱陈村", "village", "371311101000"),
    DivisionRow("371311101201001", "第一网格", "grid", "371311101201"),
]
GAZETTEER = Gazetteer(TREE, [("临沂动植物园", "371302001000"), ("无此地", "999999999999")])


def read(text: str) -> tuple[str | None, list[str]]:
    found = GAZETTEER.read(normalise(text))
    return (found.township.code if found.township else None), [c.township for c in found.candidates]


def test_names_short_forms_aliases_and_landmarks() -> None:
    assert read("兰山街道有人乱倒垃圾") == ("371302001000", [])
    assert read("兰山这边有人乱倒垃圾") == ("371302001000", [])  # the short form
    assert read("兰山区有人乱倒垃圾") == (None, [])  # the district, not 兰山街道
    assert read("李官乡有人烧秸秆") == ("371302107000", [])  # an alias
    assert read("臨沂動植物園門口有小摊") == ("371302001000", [])  # a landmark, in traditional characters
    reading = GAZETTEER.read(normalise("李官乡朱陈村有人烧秸秆"))  # village and town agree
    assert reading.township is not None and reading.village is not None and reading.village.name == "朱陈村"


def test_no_place_is_invented() -> None:
    assert read("这样处理太不公平了") == (None, [])  # 公平 is an everyday word: only 公平街道 counts
    assert read("公平街道有人乱倒垃圾") == ("371302002000", [])
    assert read("楼下烧烤摊天天冒烟") == (None, [])
    assert read("无此地有人吵架") == (None, [])  # a landmark naming no division of the tenant is ignored


def test_ambiguity_gives_candidates_a_district_narrows_them() -> None:
    assert read("朱陈村有人烧秸秆") == (None, ["371302107000", "371311101000"])  # two villages of that name
    assert read("兰山区朱陈村有人烧秸秆") == ("371302107000", [])
    assert read("兰山街道和李官镇之间的路坏了") == (None, ["371302001000", "371302107000"])
    reading = GAZETTEER.read(normalise("朱陈村有人烧秸秆"))
    assert all("朱陈村" in c.reason for c in reading.candidates)


def test_place_names_are_blanked_for_the_words() -> None:
    text = normalise("兰山街道有人在临沂动植物园门口乱倒垃圾")
    kept = GAZETTEER.read(text).without_places(text)
    assert "兰山街道" not in kept and "临沂动植物园" in kept  # a landmark's name may say what, too
