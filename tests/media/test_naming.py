"""Scene/shot/take from camera file names and slate metadata, reel and clip names, and the link suggestion."""
import pytest

from apps.media.naming import (
    Slate,
    clip_name_from_probe,
    link_suggestion_for,
    parse_file_name,
    parse_slate_tags,
    reel_name_from_probe,
    split_scene_and_shot,
)
from apps.scenes.models import Scene, Shot, Take


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("12A_3.mov", Slate("12A", None, 3, "12A_3")),
        ("12A-3.MOV", Slate("12A", None, 3, "12A_3")),
        ("/card/DCIM/12a_3.mp4", Slate("12A", None, 3, "12a_3")),
        ("S12A_T03.mov", Slate("12A", None, 3, "S12A_T03")),
        ("Sc12_ShA_Tk3.mxf", Slate("12", "A", 3, "Sc12_ShA_Tk3")),
        ("Scene12-Shot2-Take4.mov", Slate("12", "2", 4, "Scene12_Shot2_Take4")),
        ("TK3_SC12.mov", Slate("12", None, 3, "TK3_SC12")),
        ("012A_T3.mov", Slate("12A", None, 3, "012A_T3")),
        ("A001C003_12A_3.mov", Slate("12A", None, 3, "12A_3")),
        ("A001C003_20240501_12A_03.mov", Slate("12A", None, 3, "12A_03")),
        ("12_B_4.mov", Slate("12", "B", 4, "12_B_4")),
        ("A12_2.mov", Slate("A12", None, 2, "A12_2")),
        ("S7.mov", Slate("7", None, None, "S7")),
    ],
)
def test_file_names_that_spell_a_slate(name, expected):
    assert parse_file_name(name) == expected


@pytest.mark.parametrize(
    "name",
    ["A001C003.mov", "interview_final.mov", "big_buck_bunny_720p_h264_aac51_5s.mp4",
     "big_buck_bunny_432_433_vp8_vorbis_1s.webm", "tears_of_steel_640x360_10s.mp4", "12A.mov", "T3.mov", "", "12A_0.mov"],
)
def test_file_names_without_a_slate_give_none(name):
    assert parse_file_name(name) is None


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"com.blackmagic-design.camera.scene": "12A", "com.blackmagic-design.camera.take": "3"},
         Slate("12A", None, 3, "scene 12A, take 3")),
        ({"SCENE": "012", "Shot": "b", "TAKE": "T03"}, Slate("12", "B", 3, "scene 012, shot b, take T03")),
        ({"com.arri.camera.SceneNumber": "40", "com.arri.camera.TakeNumber": "Take 12"},
         Slate("40", None, 12, "scene 40, take Take 12")),
        ({"encoder": "Lavf59", "com.blackmagic-design.camera.take": "3"}, None),
        ({}, None),
    ],
)
def test_slate_metadata(tags, expected):
    assert parse_slate_tags(tags) == expected


@pytest.mark.parametrize(
    ("slate", "existing", "expected"),
    [
        (Slate("12A", None, 3, ""), set(), ("12", "A")),
        (Slate("12A", None, 3, ""), {"12", "12A"}, ("12A", None)),  # an added scene 12A wins over the split
        (Slate("12AB", None, 3, ""), set(), ("12", "AB")),
        (Slate("12A", "B", 3, ""), set(), ("12A", "B")),  # a shot given on its own is never split off
        (Slate("12", None, 3, ""), set(), ("12", None)),
        (Slate("A12", None, 3, ""), set(), ("A12", None)),
    ],
)
def test_us_convention_splits_scene_and_setup(slate, existing, expected):
    assert split_scene_and_shot(slate, existing) == expected


def test_reel_and_clip_names_from_probe_json():
    mov = {"streams": [{"codec_type": "video", "tags": {"timecode": "01:00:00:00"}},
                       {"codec_type": "data", "codec_tag_string": "tmcd", "tags": {"reel_name": "A001"}}],
           "format": {"tags": {"title": "Tears of Steel", "com.apple.proapps.reel": "B002"}}}
    mxf = {"streams": [{"codec_type": "video", "tags": {"reel_name": "R7"}}],
           "format": {"tags": {"material_package_name": "A007C002_240501_R1AB"}}}
    arri = {"streams": [], "format": {"tags": {"com.arri.camera.ReelName": "C004", "com.arri.camera.ClipName": "C004C012"}}}

    assert (reel_name_from_probe(mov), clip_name_from_probe(mov)) == ("A001", None)  # a title is not a clip name
    assert (reel_name_from_probe(mxf), clip_name_from_probe(mxf)) == ("R7", "A007C002_240501_R1AB")
    assert (reel_name_from_probe(arri), clip_name_from_probe(arri)) == ("C004", "C004C012")
    assert (reel_name_from_probe({}), clip_name_from_probe({})) == (None, None)


@pytest.fixture
def scene_12(production):
    scene = Scene.objects.create(production=production, number="12")
    shot = Shot.objects.create(production=production, scene=scene, number="A")
    take = Take.objects.create(production=production, shot=shot, number=3)
    return scene, shot, take


def test_suggestion_from_file_name_finds_the_scene_shot_and_take(production, scene_12):
    scene, shot, take = scene_12

    assert link_suggestion_for(production_id=production.pk, file_name="A001C003_12A_3.mov", tags={}) == {
        "source": "file_name", "text": "12A_3", "scene_number": "12", "shot_number": "A", "take_number": 3,
        "scene": scene.pk, "shot": shot.pk, "take": take.pk}


def test_an_existing_scene_12A_wins_over_scene_12_shot_A(production, scene_12):
    added = Scene.objects.create(production=production, number="12A")

    suggestion = link_suggestion_for(production_id=production.pk, file_name="12A_3.mov", tags={})

    assert suggestion == {"source": "file_name", "text": "12A_3", "scene_number": "12A", "shot_number": None,
                          "take_number": 3, "scene": added.pk, "shot": None, "take": None}


def test_metadata_beats_the_file_name_and_missing_rows_are_null(production, scene_12):
    scene, shot, _ = scene_12
    tags = {"com.blackmagic-design.camera.scene": "12", "com.blackmagic-design.camera.shot": "A",
            "com.blackmagic-design.camera.take": "7"}

    suggestion = link_suggestion_for(production_id=production.pk, file_name="40B_2.mov", tags=tags)

    assert suggestion == {"source": "metadata", "text": "scene 12, shot A, take 7", "scene_number": "12",
                          "shot_number": "A", "take_number": 7, "scene": scene.pk, "shot": shot.pk, "take": None}


def test_the_only_shot_of_a_scene_is_suggested_when_none_is_named(production, scene_12):
    scene, shot, take = scene_12

    suggestion = link_suggestion_for(production_id=production.pk, file_name="Sc12_Tk3.mov", tags={})

    assert (suggestion["shot_number"], suggestion["shot"], suggestion["take"]) == ("A", shot.pk, take.pk)


def test_other_productions_scenes_are_never_suggested(production, make_production, user, scene_12):
    elsewhere = make_production(owner=user)

    suggestion = link_suggestion_for(production_id=elsewhere.pk, file_name="12A_3.mov", tags={})

    assert suggestion["scene"] is None and suggestion["shot"] is None and suggestion["take"] is None
    assert (suggestion["scene_number"], suggestion["shot_number"], suggestion["take_number"]) == ("12", "A", 3)


def test_nothing_matched_is_an_empty_suggestion(production):
    assert link_suggestion_for(production_id=production.pk, file_name="interview.mov", tags={"encoder": "x"}) == {}
