"""The search box, ``GET /api/v1/search/?q=``: Chinese substrings, full pinyin, pinyin
initials, short names and code prefixes, grouped by type, best match first, within what the
user may see, in a constant number of queries.

The suite runs on PostgreSQL; the search uses only portable lookups (``LIKE`` substrings of
lower-case keys, subqueries, ``Length``), which is what makes the embedded SQLite
database give the same rows in the same order. This module also passes when pointed at SQLite
(``DATABASE_URL=sqlite:///…``)."""

import pytest
from django.db import connection, connections
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from chains.models import ChainLeaderAppointment, IndustryChain
from core.search_text import name_forms, normalise, search_key_for, substring_patterns
from core.searchable import (
    Match,
    fill_search_keys,
    key_matches,
    mark_pieces,
    match_tiers,
    rebuild_search_keys,
)
from core.sql import estimated_rows
from partners import search as search_module
from partners.models import Partner
from partners.selectors import EXPECTED_MANY, FEW_PARTNERS, partner_search
from partners.services import partner_update
from partners.uscc import with_check_character
from tests.factories import (
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"
JIAOKONG_CODE = with_check_character("91110108MA00JKKJ0")


def names(response, group: str = "partners") -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [hit["name"] for hit in response.json()[group]]


@pytest.fixture
def jiaokong(db):
    return PartnerFactory(name="交控科技股份有限公司", short_name="交控科技", uscc=JIAOKONG_CODE)


@pytest.fixture
def crsc(db):
    return PartnerFactory(name="中国铁路通信信号股份有限公司", short_name="中国通号")


# The search key ---------------------------------------------------------------------------


def test_a_key_holds_the_forms_of_each_name_then_its_chinese_two_character_pieces():
    assert search_key_for("交控科技") == " 交控科技 jiaokongkeji jkkj Ｐ交控Ｐ Ｐ控科Ｐ Ｐ科技Ｐ "
    assert search_key_for("北京交控科技有限公司", "交控科技").split()[:6] == [
        "北京交控科技有限公司",
        "beijingjiaokongkejiyouxiangongsi",
        "bjjkkjyxgs",
        "交控科技",
        "jiaokongkeji",
        "jkkj",
    ]
    assert search_key_for("京东方BOE").split()[3:] == ["Ｐ京东Ｐ", "Ｐ东方Ｐ", "Ｐ方bＰ"]


def test_a_two_character_chinese_query_looks_for_its_marked_piece():
    assert substring_patterns("通号") == ["Ｐ通号Ｐ"]
    assert substring_patterns("方b") == ["Ｐ方bＰ"]
    assert substring_patterns("交控科") == ["交控科"]


def test_one_chinese_character_is_looked_for_in_the_pieces_no_latin_pair_at_all():
    assert substring_patterns("通") == [" Ｐ通", "通Ｐ ", " 通 "]
    assert [substring_patterns(query) for query in ("jk", "x9", "j", "")] == [[]] * 4


@pytest.mark.parametrize("character", ["京", "东", "方", "路", "北", "南", "中"])
def test_one_chinese_character_finds_what_a_plain_substring_finds(db, character):
    for name in ("京", "北京", "京东方", "南京路", "中关村"):
        PartnerFactory(name=name, short_name="")
    plain = Partner.objects.filter(name__contains=character)
    assert set(Partner.objects.filter(key_matches(character))) == set(plain)


@pytest.mark.parametrize("typed", ["Ｐ通号", "ｐ通号", "P通号"])
def test_no_query_reaches_a_piece_by_typing_its_mark(api, crsc, typed):
    """Normalising turns the full-width mark into an ASCII letter, which no piece holds."""
    assert normalise(typed) == "p通号"
    assert names(api.get(URL, {"q": typed})) == []


# The trigrams that start a word with 科技 (those "科技园" and "科技" share: "  科", " 科技"), and
# the one that ends a word with it (those "中关村科技" and "科技" share: "科技 ").
WORD_TRIGRAMS = """SELECT show_trgm(%s) && ARRAY(
    SELECT unnest(show_trgm(%s)) INTERSECT SELECT unnest(show_trgm('科技')))"""
STARTS, ENDS = "科技园", "中关村科技"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
@pytest.mark.parametrize("way", [STARTS, ENDS], ids=["start", "end"])
def test_to_the_trigram_index_a_piece_neither_starts_nor_ends_a_word(db, way):
    """A name containing 科技 must not look, to the index, like one starting or ending with
    科技: the "whole name" and "starts with" tiers would read every name containing it
    (45,735 of 200,000 partners, 40–50 ms a tier; docs/BENCHMARKS.md, tenth round)."""
    key = search_key_for("交控科技股份有限公司")
    tabbed = key.replace(" Ｐ", " \t").replace("Ｐ ", " ")  # as the pieces were marked before
    end_marked_only = key.replace(" Ｐ", " ")
    with connection.cursor() as cursor:
        for shares, checked in [(False, key), (True, search_key_for(way)), (True, tabbed)]:
            cursor.execute(WORD_TRIGRAMS, [checked, way])
            assert cursor.fetchone()[0] is shares, checked
        cursor.execute(WORD_TRIGRAMS, [end_marked_only, way])
        assert cursor.fetchone()[0] is (way == STARTS)  # a mark on one side only is not enough


def test_latin_letters_digits_and_full_width_forms_are_kept_in_every_form():
    assert name_forms("京东方ＢＯＥ 5G科技") == [
        "京东方boe5g科技",
        "jingdongfangboe5gkeji",
        "jdfboe5gkj",
    ]
    assert name_forms("绿色（北京）科技") == ["绿色(北京)科技", "lvsebeijingkeji", "lsbjkj"]


def test_polyphonic_characters_take_their_reading_in_context_and_surnames_their_own():
    assert name_forms("重庆银行")[1:] == ["chongqingyinhang", "cqyh"]
    assert name_forms("单伟") == ["单伟", "danwei", "dw", "shanwei", "sw"]


def test_an_empty_name_has_an_empty_key_and_a_query_is_normalised_like_a_name():
    assert search_key_for("", None) == ""
    assert normalise(" Jiao Kong\u3000") == "jiaokong"


# Matching ---------------------------------------------------------------------------------


@pytest.fixture
def beijing_jiaokong(db):
    """A name holding 交 and the initials jk only past its start (bjjk)."""
    return PartnerFactory(name="北京交控", short_name="")


@pytest.mark.parametrize("query", ["j", "jk", "JK"])
def test_a_short_query_finds_the_names_that_start_with_it(api, jiaokong, beijing_jiaokong, query):
    """In the search box, one or two Latin letters or digits find a name, its pinyin or its
    initials by their start: no index finds them anywhere, and a rare one would be looked for
    in every key of a large table. The list's ``?q=`` still filters by any substring."""
    assert names(api.get(URL, {"q": query})) == ["交控科技股份有限公司"]
    rows = api.get("/api/v1/partners/", {"q": query}).json()["results"]
    assert sorted(row["name"] for row in rows) == ["交控科技股份有限公司", "北京交控"]


def test_three_letters_or_chinese_characters_are_found_anywhere(api, jiaokong, beijing_jiaokong):
    assert names(api.get(URL, {"q": "交控"})) == ["交控科技股份有限公司", "北京交控"]
    assert names(api.get(URL, {"q": "交"})) == ["交控科技股份有限公司", "北京交控"]
    assert names(api.get(URL, {"q": "jjk"})) == ["北京交控"]  # inside the initials bjjk


def test_industry_chains_are_found_anywhere_even_by_one_letter(api):
    """A few dozen chains are read whole anyway: no reason to drop the "anywhere" tier."""
    ChainFactory(name="交控产业链")
    assert names(api.get(URL, {"q": "k"}), "chains") == ["交控产业链"]  # jiaokong…, jkcyl


def test_chinese_substring_of_a_short_name_finds_the_partner(api, crsc, jiaokong):
    assert names(api.get(URL, {"q": "通号"})) == ["中国铁路通信信号股份有限公司"]


@pytest.mark.parametrize("query", ["jkkj", "jiaokong", "JiaoKong", "jiao kong", "交控", "kongke"])
def test_pinyin_initials_full_pinyin_and_chinese_find_the_partner(api, jiaokong, crsc, query):
    assert names(api.get(URL, {"q": query})) == ["交控科技股份有限公司"]


def test_initials_of_a_short_name_find_the_partner(api, crsc, jiaokong):
    assert names(api.get(URL, {"q": "zgth"})) == ["中国铁路通信信号股份有限公司"]


def test_a_code_prefix_finds_the_partner_and_shows_its_code(api, jiaokong, crsc):
    response = api.get(URL, {"q": JIAOKONG_CODE[:10].lower()})
    assert names(response) == ["交控科技股份有限公司"]
    hit = response.json()["partners"][0]
    assert hit["secondary"] == f"交控科技 · {JIAOKONG_CODE}"
    assert hit["match"] == "prefix"
    assert response.json()["partners"][0]["url"].endswith(f"/api/v1/partners/{jiaokong.pk}/")
    assert api.get(URL, {"q": JIAOKONG_CODE}).json()["partners"][0]["match"] == "exact"


def test_a_code_never_matches_the_middle_of_another_code(api, jiaokong):
    assert names(api.get(URL, {"q": JIAOKONG_CODE[4:12]})) == []


def test_archived_partners_stay_out_of_the_search_as_out_of_the_list(api, jiaokong):
    Partner.objects.filter(pk=jiaokong.pk).update(archived_at=jiaokong.created_at)
    assert names(api.get(URL, {"q": "jkkj"})) == []


@pytest.mark.parametrize("query", ["交控科技", "jkkj"])
def test_best_match_first_exact_then_prefix_then_anywhere_shorter_names_first(api, query):
    anywhere = PartnerFactory(name="北京交控科技有限公司", short_name="")
    longer = PartnerFactory(name="交控科技股份有限公司", short_name="")
    exact = PartnerFactory(name="交控科技", short_name="")
    shorter = PartnerFactory(name="交控科技研究院", short_name="")
    response = api.get(URL, {"q": query})
    assert names(response) == [exact.name, shorter.name, longer.name, anywhere.name]
    assert [hit["match"] for hit in response.json()["partners"]] == [
        "exact",
        "prefix",
        "prefix",
        "contains",
    ]


def test_chains_rank_like_the_other_groups_in_one_query(api):
    anywhere = ChainFactory(name="北京交控产业链")
    longer = ChainFactory(name="交控产业链延伸")
    exact = ChainFactory(name="交控")
    shorter = ChainFactory(name="交控链")
    ChainFactory(name="医药健康产业链")

    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"q": "交控", "limit": 3}).json()

    chains = [(hit["id"], hit["match"]) for hit in body["chains"]]
    assert chains == [(exact.pk, "exact"), (shorter.pk, "prefix"), (longer.pk, "prefix")]
    assert body["more"]["chains"] is True
    chain_queries = [q for q in queries if 'FROM "chains_industrychain"' in q["sql"]]
    assert len(chain_queries) == 1
    everything = api.get(URL, {"q": "交控"}).json()["chains"]
    assert [hit["id"] for hit in everything] == [exact.pk, shorter.pk, longer.pk, anywhere.pk]


def test_a_two_character_query_inside_a_name_is_never_an_exact_match(api):
    PartnerFactory(name="交控科技", short_name="")
    response = api.get(URL, {"q": "控科"})
    assert [hit["match"] for hit in response.json()["partners"]] == ["contains"]
    assert names(api.get(URL, {"q": "方B"})) == []
    PartnerFactory(name="京东方BOE", short_name="")
    assert names(api.get(URL, {"q": "方B"})) == ["京东方BOE"]


def test_equal_matches_of_equal_length_come_in_id_order(api):
    first = PartnerFactory(name="交控甲有限公司", short_name="")
    second = PartnerFactory(name="交控乙有限公司", short_name="")
    assert names(api.get(URL, {"q": "jk"})) == [first.name, second.name]


def test_results_are_grouped_by_type_with_their_detail_url(api, jiaokong):
    contact = ContactFactory(partner=jiaokong, name="焦孔", title="总经理")
    project = ProjectFactory(name="交控科技产业园", code="FT-2024-007")
    chain = ChainFactory(name="交控产业链", industry=IndustryFactory(name="轨道交通"))
    body = api.get(URL, {"q": "jiaokong"}).json()
    assert set(body) == {"query", "partners", "contacts", "projects", "chains", "more"}
    assert body["query"] == "jiaokong"
    expected = {
        "partners": ("partner", jiaokong.pk, "partners", f"交控科技 · {JIAOKONG_CODE}"),
        "contacts": ("contact", contact.pk, "contacts", "交控科技股份有限公司 · 总经理"),
        "projects": ("project", project.pk, "projects", "FT-2024-007"),
        "chains": ("chain", chain.pk, "chains", "轨道交通"),
    }
    for group, (kind, pk, prefix, secondary) in expected.items():
        [hit] = body[group]
        assert (hit["type"], hit["id"], hit["secondary"]) == (kind, pk, secondary), group
        assert hit["url"] == f"http://testserver/api/v1/{prefix}/{pk}/"
    assert body["more"] == dict.fromkeys(("partners", "contacts", "projects", "chains"), False)


def test_a_project_code_prefix_finds_the_project(api):
    ProjectFactory(name="丽泽金融商务区项目", code="FT-2024-031")
    assert names(api.get(URL, {"q": "ft-2024-03"}), "projects") == ["丽泽金融商务区项目"]


def test_each_group_is_limited_and_says_when_there_is_more(api):
    for number in range(12):
        PartnerFactory(name=f"交控示例{number:02d}有限公司", short_name="")
    body = api.get(URL, {"q": "jk"}).json()
    assert len(body["partners"]) == 10
    assert body["more"]["partners"] is True
    body = api.get(URL, {"q": "jk", "limit": 12}).json()
    assert len(body["partners"]) == 12
    assert body["more"]["partners"] is False


# Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def leader_world(jiaokong, crsc):
    ContactFactory(partner=crsc, name="焦孔明")
    own_contact = ContactFactory(partner=jiaokong, name="焦孔")
    own_chain = ChainFactory(name="交控轨道交通产业链")
    ChainLeaderAppointment.objects.create(partner=jiaokong, chain=own_chain, year=2024)
    ChainFactory(name="交控其他产业链")
    ProjectFactory(name="交控科技产业园")
    leader = UserFactory(roles=[Role.CHAIN_LEADER], partner=jiaokong, is_staff=False)
    client = APIClient()
    client.force_authenticate(leader)
    return {"client": client, "own_contact": own_contact, "own_chain": own_chain}


def test_a_chain_leader_finds_its_own_contacts_and_chains_never_others_nor_projects(leader_world):
    body = leader_world["client"].get(URL, {"q": "jiaokong"}).json()
    assert [hit["id"] for hit in body["contacts"]] == [leader_world["own_contact"].pk]
    assert [hit["id"] for hit in body["chains"]] == [leader_world["own_chain"].pk]
    assert body["projects"] == []


def test_a_chain_leader_searches_the_directory_without_codes(leader_world, crsc):
    client = leader_world["client"]
    body = client.get(URL, {"q": "通号"}).json()
    assert [(hit["id"], hit["secondary"]) for hit in body["partners"]] == [(crsc.pk, "中国通号")]
    assert names(client.get(URL, {"q": crsc.uscc[:10]})) == []


def test_a_staff_member_sees_every_group(staff_user, jiaokong):
    ContactFactory(partner=PartnerFactory(), name="焦孔")
    ProjectFactory(name="交控科技产业园")
    client = APIClient()
    client.force_authenticate(staff_user)
    body = client.get(URL, {"q": "jiaokong"}).json()
    assert [len(body[group]) for group in ("partners", "contacts", "projects")] == [1, 1, 1]


def test_anonymous_callers_get_401(db):
    assert APIClient().get(URL, {"q": "jkkj"}).status_code == 401


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "required"),
        ({"q": ""}, "blank"),
        ({"q": "  \u3000 "}, "blank"),
        ({"q": "交" * 101}, "max_length"),
        ({"q": "jkkj", "limit": 0}, "min_value"),
        ({"q": "jkkj", "limit": 51}, "max_value"),
    ],
)
def test_a_missing_empty_or_too_long_query_or_a_bad_limit_answers_400(api, params, code):
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    [field] = body["fields"]
    assert body["fields"][field][0]["code"] == code


def test_a_query_of_100_characters_and_one_of_wildcards_are_answered(api, jiaokong):
    assert names(api.get(URL, {"q": "交" * 100})) == []
    # LIKE's wildcards are plain characters in a query: not "交, anything, 科" (交控科技).
    assert names(api.get(URL, {"q": "交%科"})) == []
    assert names(api.get(URL, {"q": "交_科"})) == []
    assert names(api.get(URL, {"q": "交控科"})) != []


@pytest.mark.parametrize("query", ["（", "()", "-·", "%_%"])
def test_a_query_of_punctuation_alone_finds_nothing_and_reads_no_table(api, query):
    """No name is found by its punctuation, and at 200,000 partners every key was read for
    it (0.3–1.6 s for ``（``): every group is empty without a query."""
    PartnerFactory(name="(北京)通号", short_name="")
    ChainFactory(name="(测试)产业链")

    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"q": query}).json()

    assert [body[group] for group in ("partners", "contacts", "projects", "chains")] == [[]] * 4
    assert not any(body["more"].values())
    tables = ("partners_partner", "partners_contactperson", "projects_project", "chains_")
    assert not [query for query in queries if any(table in query["sql"] for table in tables)]


def test_search_does_not_answer_post(api):
    assert api.post(URL, {"q": "jkkj"}, format="json").status_code == 405


# Query count and upkeep -------------------------------------------------------------------


def count_queries(client, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()


def test_the_same_queries_for_5_or_50_matching_rows_per_group(manager):
    client = APIClient()
    client.force_login(manager)
    params = {"q": "交控", "limit": 50}

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            partner = PartnerFactory(name=f"交控示例{number:02d}有限公司", short_name="")
            ContactFactory(partner=partner, name=f"交控联系人{number:02d}")
            ProjectFactory(name=f"交控项目{number:02d}")
            ChainFactory(name=f"交控产业链{number:02d}")

    add(5, 0)
    few, body = count_queries(client, params)
    assert len(body["partners"]) == 5
    add(45, 5)
    many, body = count_queries(client, params)
    assert [len(body[group]) for group in ("partners", "contacts", "projects", "chains")] == [
        50,
        50,
        50,
        50,
    ]
    assert few == many


def test_a_renamed_partner_is_found_by_its_new_name_only(api, jiaokong, manager):
    partner_update(
        partner=jiaokong, actor=manager, name="北京全路通信信号研究设计院", short_name=""
    )
    jiaokong.refresh_from_db()
    assert "quanlutongxin" in jiaokong.search_key
    assert names(api.get(URL, {"q": "qltx"})) == ["北京全路通信信号研究设计院"]
    assert names(api.get(URL, {"q": "jkkj"})) == []


def test_an_api_edit_of_a_short_name_updates_the_key(api, jiaokong):
    response = api.patch(f"/api/v1/partners/{jiaokong.pk}/", {"short_name": "京交控"})
    assert response.status_code == 200
    assert names(api.get(URL, {"q": "jjk"})) == ["交控科技股份有限公司"]


def test_a_save_of_other_fields_keeps_the_key_and_a_chain_keeps_its_own(jiaokong):
    jiaokong.address = "丰台区"
    jiaokong.save(update_fields=["address"])
    jiaokong.refresh_from_db()
    assert "jkkj" in jiaokong.search_key
    chain = ChainFactory(name="轨道交通产业链")
    assert IndustryChain.objects.get(pk=chain.pk).search_key.split()[2] == "gdjtcyl"


def test_bulk_writes_fill_the_key_with_the_helpers(db):
    partner = PartnerFactory.build(name="交控科技", short_name="")
    fill_search_keys([partner])
    assert partner.search_key == search_key_for("交控科技")
    saved = PartnerFactory()
    Partner.objects.filter(pk=saved.pk).update(name="交控科技")
    assert rebuild_search_keys(Partner.objects.all(), ("name", "short_name")) == 1
    assert "jkkj" in Partner.objects.get(pk=saved.pk).search_key


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"], ids=["one UPDATE", "in Python"])
def test_the_stored_pieces_move_between_layouts_and_back(db, monkeypatch, vendor):
    """What the migrations ``search_key_piece_mark`` do to keys written behind tabs: one
    ``UPDATE`` with PostgreSQL's regular expression, or row by row in Python elsewhere."""
    monkeypatch.setattr(connections["default"], "vendor", vendor)
    marked = PartnerFactory(name="交控科技", short_name="京东方BOE")
    plain = PartnerFactory(name="Example Ltd", short_name="")
    tabbed_key = " 交控科技 jiaokongkeji jkkj 京东方boe jingdongfangboe jdfboe"
    tabbed_key += " \t交控 \t控科 \t科技 \t京东 \t东方 \t方b "
    Partner.objects.filter(pk=marked.pk).update(search_key=tabbed_key)
    assert mark_pieces(Partner.objects.all()) == 1
    assert Partner.objects.get(pk=marked.pk).search_key == search_key_for("交控科技", "京东方BOE")
    assert Partner.objects.get(pk=plain.pk).search_key == search_key_for("Example Ltd")
    assert mark_pieces(Partner.objects.all(), undo=True) == 1
    assert Partner.objects.get(pk=marked.pk).search_key == tabbed_key
    assert mark_pieces(Partner.objects.all(), undo=True) == 0


def test_the_partner_list_q_filter_understands_pinyin_and_initials(api):
    from tests.factories import PartnerFactory

    wanted = PartnerFactory(name="交控科技股份有限公司")
    PartnerFactory(name="北京示例商贸有限公司")
    for query in ("jkkj", "jiaokong", "交控"):
        rows = api.get("/api/v1/partners/", {"q": query}).json()["results"]
        assert [row["id"] for row in rows] == [wanted.pk], query


@pytest.fixture
def three_ways(crsc):
    """For "jk2": a partner found by its name, one by its code's start, one by a contact."""
    by_name = PartnerFactory(name="JK2实验室有限公司", short_name="")
    by_code = PartnerFactory(
        name="北京示例商贸有限公司", uscc=with_check_character("JK2101080000000AB")
    )
    ContactFactory(partner=crsc, name="贾坤2")  # initials jk2
    PartnerFactory(name="交控科技股份有限公司")  # jkkj: not jk2
    return {by_name.pk, by_code.pk, crsc.pk}


@pytest.mark.parametrize(
    ("bound", "by_ids"),
    [(1000, True), (3, True), (2, False), (0, False)],
    ids=["few: by ids", "at the bound: by ids", "many: by OR", "one way"],
)
def test_the_list_search_finds_each_way_whether_few_or_many_partners_match(
    three_ways, monkeypatch, bound, by_ids
):
    """With at most FEW_PARTNERS partners found, the list is filtered by their ids, else by
    the OR of the three ways (here three, one each way: more than 2, and more than 0 at the
    first way): the same partners either way, and a directory search (a chain-leader unit's) by
    names only. No estimate, so that the ids are looked up whatever the bound."""
    monkeypatch.setattr("partners.selectors.estimated_rows", lambda queryset: None)
    monkeypatch.setattr("partners.selectors.FEW_PARTNERS", bound)
    found = partner_search(Partner.objects.all(), "JK2")
    with CaptureQueriesContext(connection) as queries:
        assert set(found.values_list("pk", flat=True)) == three_ways
    (listed,) = queries.captured_queries
    assert ("LIKE" not in listed["sql"]) is by_ids
    directory = partner_search(Partner.objects.all(), "jk2", directory_only=True)
    assert set(directory.values_list("name", flat=True)) == {"JK2实验室有限公司"}


def test_a_partner_found_twice_by_its_contacts_leaves_no_other_out(three_ways, monkeypatch):
    """The contacts' way gives a partner once per matching contact: cut short at the bound, it
    must not pass for the whole set however few partners its rows name (here 4 partners match,
    and the contacts' 5 rows, cut at 4, would name 3 of them, which the bound 3 allows)."""
    by_name = Partner.objects.get(name="JK2实验室有限公司")
    for _ in range(3):
        ContactFactory(partner=by_name, name="贾坤2")
    last = ContactFactory(name="贾坤2").partner
    monkeypatch.setattr("partners.selectors.FEW_PARTNERS", 3)
    found = partner_search(Partner.objects.all(), "jk2")
    assert set(found.values_list("pk", flat=True)) == {*three_ways, last.pk}


@pytest.mark.parametrize("bound", [1000, 0], ids=["few: by ids", "many: by OR"])
def test_one_or_two_latin_letters_read_the_partners_once_with_their_contacts(
    three_ways, monkeypatch, bound
):
    """No index serves "k2": one reading of the partners, with their contacts' keys on their
    row, finds it in a name or a contact's initials (jk2), not in the code (JK2… does not
    start with it). The contacts' table is not read (each way read its whole table: at
    200,000 partners "x9" took 1.1 s, "zh" 0.24 s)."""
    monkeypatch.setattr("partners.selectors.estimated_rows", lambda queryset: None)
    monkeypatch.setattr("partners.selectors.FEW_PARTNERS", bound)
    by_code = Partner.objects.get(name="北京示例商贸有限公司").pk
    with CaptureQueriesContext(connection) as queries:
        found = set(partner_search(Partner.objects.all(), "k2").values_list("pk", flat=True))
    assert found == three_ways - {by_code}
    lookup, listed = [query["sql"] for query in queries.captured_queries]
    assert '"contacts_search_key"' in lookup
    assert ("LIKE" not in listed) is bool(bound)
    assert not [sql for sql in (lookup, listed) if "partners_contactperson" in sql]


def test_the_or_of_the_ways_finds_contacts_on_the_partner_s_row(three_ways, monkeypatch):
    """Where many partners match, the ``OR`` reads each partner's contacts' keys on its row,
    with no subquery on the contacts (PostgreSQL hashed every contact containing the query)."""
    monkeypatch.setattr("partners.selectors.estimated_rows", lambda queryset: EXPECTED_MANY + 1)
    with CaptureQueriesContext(connection) as queries:
        found = set(partner_search(Partner.objects.all(), "jk2").values_list("pk", flat=True))
    assert found == three_ways
    (listed,) = [query["sql"] for query in queries.captured_queries]
    assert '"contacts_search_key"' in listed
    assert "partners_contactperson" not in listed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_list_search_for_few_partners_reads_them_by_their_ids(three_ways):
    """The page and its count no longer read every partner's key (an OR of the ways is read
    row by row: 200–290 ms at 200,000 partners when few match)."""
    with CaptureQueriesContext(connection) as queries:
        rows = list(partner_search(Partner.objects.all(), "jk2").values_list("pk", flat=True))
    assert set(rows) == three_ways
    explained, *lookups, listed = [query["sql"] for query in queries.captured_queries]
    assert explained.startswith("EXPLAIN")
    assert len(lookups) == 3
    assert all("LIKE" in sql for sql in lookups)
    assert "LIKE" not in listed
    assert "EXISTS" not in listed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ids as an array")
def test_a_surname_more_partners_have_than_the_list_counts_is_still_listed_by_their_ids(
    api, settings
):
    """A surname staff type is a contact's in thousands of partners: more than the list counts
    (LIST_COUNT_LIMIT), fewer than FEW_PARTNERS. The list is still filtered by their ids, as one
    array: by the OR it read partners until enough had such a contact (200–340 ms at 200,000
    partners). The page is the first names, the count says "more than"."""
    settings.LIST_COUNT_LIMIT = 3
    names = ["丁有限公司", "丙有限公司", "乙有限公司", "甲有限公司"]
    for name in names:
        ContactFactory(partner=PartnerFactory(name=name, short_name=""), name="张伟")
    PartnerFactory(name="戊有限公司", short_name="")
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/partners/", {"q": "张", "ordering": "name"}).json()
    assert (body["count"], body["count_exact"]) == (3, False)
    assert [row["name"] for row in body["results"]] == sorted(names)[:3]
    read = [
        query["sql"] for query in queries.captured_queries if "JSON_BUILD_OBJECT" in query["sql"]
    ]
    assert len(read) == 1
    assert "= ANY(" in read[0]
    assert "LIKE" not in read[0]


def test_a_list_search_postgresql_expects_to_find_many_is_not_looked_up(three_ways, monkeypatch):
    """Looking the ids up would be wasted: skipped when the planner expects more than
    EXPECTED_MANY partners by name (科技: 46,604), twice FEW_PARTNERS, as its estimate may be
    off twice (贸易: 6,079 expected, 2,538 found, looked up)."""
    assert EXPECTED_MANY == 2 * FEW_PARTNERS
    monkeypatch.setattr("partners.selectors.estimated_rows", lambda queryset: EXPECTED_MANY + 1)
    with CaptureQueriesContext(connection) as queries:
        rows = list(partner_search(Partner.objects.all(), "jk2").values_list("pk", flat=True))
    assert set(rows) == three_ways
    assert len(queries.captured_queries) == 1
    assert "LIKE" in queries.captured_queries[0]["sql"]

    monkeypatch.setattr("partners.selectors.estimated_rows", lambda queryset: EXPECTED_MANY)
    with CaptureQueriesContext(connection) as queries:
        rows = list(partner_search(Partner.objects.all(), "jk2").values_list("pk", flat=True))
    assert set(rows) == three_ways
    *lookups, listed = [query["sql"] for query in queries.captured_queries]
    assert len(lookups) == 3
    assert "LIKE" not in listed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_the_planner_estimate_is_read_on_postgresql_only(db, monkeypatch):
    """After ANALYZE the planner knows the table's size exactly: the estimate is its."""
    PartnerFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_partner")
    assert estimated_rows(Partner.objects.all()) == Partner.objects.count()
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    assert estimated_rows(Partner.objects.all()) is None


def test_a_tier_with_more_matches_than_are_ranked_fills_the_page_and_says_more(api, monkeypatch):
    """A common syllable among 200,000 names: the tier ranks ``TIER_CANDIDATES`` of its rows,
    the page is full, and the group says there are more."""
    monkeypatch.setattr("partners.search.TIER_CANDIDATES", 4)
    PartnerFactory(name="通号", short_name="")
    for number in range(6):
        PartnerFactory(name=f"中国通号{'甲' * number}有限公司", short_name="")

    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"q": "通号", "limit": 3}).json()

    hits = body["partners"]
    assert body["more"]["partners"] is True
    assert [hit["match"] for hit in hits] == ["exact", "contains", "contains"]
    assert hits[0]["name"] == "通号"
    assert all("通号" in hit["name"] for hit in hits[1:])
    narrow, anywhere = partner_queries(queries)  # whole name and start of a name; anywhere
    assert narrow.count("LIMIT 4)") == 2  # each of the two tiers' candidates capped
    assert "UNION ALL" in narrow
    assert anywhere.count("LIMIT 4)") == 1


def test_the_search_box_plans_each_search_for_its_own_pattern(api, jiaokong, crsc):
    """Typed one after another on one connection, searches are never prepared statements: a
    generic plan, made without the pattern, once read all 200,000 partners for a rare one."""
    for query in ["交控", "通号", "科技", "jk", "tonghao", "信号", "交控科技"]:
        assert api.get(URL, {"q": query}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"search_key"::text LIKE%'],
        )
        assert cursor.fetchall() == []


def partner_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if 'FROM "partners_partner"' in query["sql"]]


def test_without_limits_in_a_union_each_narrow_tier_is_still_capped_with_the_same_hits(
    api, monkeypatch
):
    """SQLite (the embedded default) allows no ``LIMIT`` in a ``UNION``'s parts: there the
    whole-name and start tiers' candidates are an ``OR`` of two capped subqueries, and the
    hits are those PostgreSQL's ``UNION ALL`` gives, a cut start tier included."""
    monkeypatch.setattr("partners.search.TIER_CANDIDATES", 1)
    PartnerFactory(name="通号", short_name="")
    PartnerFactory(name="通号城市轨道交通有限公司", short_name="")
    PartnerFactory(name="通号城轨有限公司", short_name="")
    PartnerFactory(name="中国通号有限公司", short_name="")
    capped = api.get(URL, {"q": "通号"}).json()["partners"]
    features = connections["default"].features
    monkeypatch.setattr(features, "supports_slicing_ordering_in_compound", False)

    with CaptureQueriesContext(connection) as queries:
        or_of_caps = api.get(URL, {"q": "通号"}).json()["partners"]

    assert or_of_caps == capped
    # The start tier is cut to the first one found: which, the plan decides (no order).
    assert capped[0]["name"] == "通号"
    assert capped[1]["name"] in {"通号城市轨道交通有限公司", "通号城轨有限公司"}
    assert [hit["match"] for hit in capped] == ["exact", "prefix", "contains"]
    narrow, _anywhere = partner_queries(queries)
    assert "UNION" not in narrow
    assert narrow.count("LIMIT 1)") == 2


def _per_tier(queryset, tiers, limit, *fields):
    """The ranking before the narrow tiers shared a query: one query per tier, each ranking
    its first ``TIER_CANDIDATES`` rows, read until one row more than the page is found."""
    scoped = search_module._scoped(queryset)
    rows = []
    for match, condition in tiers:
        candidates = scoped.filter(condition).order_by().values("pk")
        candidates = candidates[: search_module.TIER_CANDIDATES]
        found = search_module._rows(scoped.filter(pk__in=candidates), Value(match), fields)
        found = found.order_by(*search_module.WITHIN_TIER)
        rows += found[: limit + 1 - len(rows)]
        if len(rows) > limit:
            break
    return search_module._group(rows, limit)


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 6, 10])
def test_the_shared_narrow_query_ranks_as_one_query_per_tier_did(api, monkeypatch, limit):
    """Pages filled by the narrow tiers exactly, one short of them, or by "anywhere" too: the
    same hits, matches and ``more`` as the ranking with a query per tier."""
    for name, short_name in [
        ("通号", ""),
        ("北京全路通信信号研究设计院有限公司", "通号"),
        ("通号城市轨道交通有限公司", ""),
        ("通号城轨有限公司", ""),
        ("中国通号有限公司", ""),
        ("卡斯柯通号有限公司", ""),
    ]:
        PartnerFactory(name=name, short_name=short_name)
    ProjectFactory(name="通号大厦项目")
    ContactFactory(name="通号")
    queries = ["通号", "tonghao", "th", "号", "通", "tong"]
    shared = [api.get(URL, {"q": query, "limit": limit}).json() for query in queries]
    monkeypatch.setattr(search_module, "_ranked", _per_tier)

    per_tier = [api.get(URL, {"q": query, "limit": limit}).json() for query in queries]

    assert shared == per_tier
    assert any(body["more"]["partners"] for body in shared) == (limit < 6)


def test_match_tiers_come_best_first():
    tiers = match_tiers("tonghao")
    assert [match for match, _condition in tiers] == [Match.EXACT, Match.PREFIX, Match.CONTAINS]


def test_a_whole_name_comes_before_a_shorter_name_that_starts_with_the_query(api):
    """The whole-name and start tiers are read in one query: the tier orders before the
    length of the name."""
    PartnerFactory(name="通号城市有限公司", short_name="")
    PartnerFactory(name="北京全路通信信号研究设计院有限公司", short_name="通号")

    hits = api.get(URL, {"q": "通号"}).json()["partners"]

    assert [(hit["name"], hit["match"]) for hit in hits] == [
        ("北京全路通信信号研究设计院有限公司", "exact"),
        ("通号城市有限公司", "prefix"),
    ]


def test_exact_matches_beyond_the_page_leave_the_anywhere_tier_unread(api):
    PartnerFactory(name="通号", short_name="")
    PartnerFactory(name="北京全路通信信号研究设计院有限公司", short_name="通号")
    PartnerFactory(name="中国通号有限公司", short_name="")

    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"q": "通号", "limit": 1}).json()

    assert [hit["name"] for hit in body["partners"]] == ["通号"]
    assert body["more"]["partners"] is True
    assert len(partner_queries(queries)) == 1
