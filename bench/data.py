"""Benchmark data at ten times district scale, loaded into PostgreSQL with COPY.

    make bench-data     # database fengtai_bench_big: migrate, load_demo, then the bulk below

On top of the demo data set (``manage.py load_demo``: industries, chains and segments,
carriers, tags, events), in one transaction:

- 300 staff users (role group "staff"), the stewards, owners and recorders of everything below;
- 200,000 partners with realistic, unique Chinese names and their search keys (computed by the
  app's own ``search_key_for``), valid unified social credit codes (``91110106BD…``, which the
  generator also uses to recognise its own data), 1–3 contact persons each, industries, chain
  segments and qualification tags;
- 2,000,000 interactions over the five years before ``BENCH_TODAY``, Pareto-distributed over
  partners (most have a few, some never had one), with ``Partner.last_contacted_at`` equal to
  each partner's latest one;
- 1,000,000 follow-ups, most created by an interaction (its ``next_follow_up_on``), exactly
  10,000 of them open and due on ``BENCH_TODAY``, the others done or cancelled in the past,
  some open and overdue, some due later;
- 200,000 enterprise requests with working-day deadlines, statuses by age, ``resolved_at`` and
  ``handling_workdays`` as the app computes them, and their request events;
- 50,000 projects with stage histories that follow the pipeline's allowed moves.

Nothing is dated on or after ``BENCH_TODAY`` except follow-ups due then or later and request
deadlines, so the benchmark's "now" is any time on that day. Every database constraint stays in
force while loading: check and unique constraints row by row, foreign keys at the end of each
COPY (``SET CONSTRAINTS ALL IMMEDIATE``, so that their queue never grows past one batch).
django-simple-history's ``historical*`` tables stay empty for the bulk rows: the audit trail of
a record starts at its first change after the load. Not generated for the bulk either: the
interactions' staff present and contacts met, roster lines, work camps, recognitions, doubling
indicators and events' promoted or signed projects (the demo set has those).

Deterministic: seeded random generators, so every run builds the same rows. Idempotent: the
whole bulk is one transaction, so a database either holds all of it or none of it, and a run on
a database that holds it says so and writes nothing. ``BENCH_SCALE=0.001`` scales every count
down (the smoke test, ``tests/test_bench_data.py``, does the same through ``Scale.scaled``).

Where the time goes (``make bench-data`` on an empty database, this 2-core machine: 4 min 34 s,
1271 MB): migrate and load_demo 69 s; planning 32 s, with the partners' search keys computed
meanwhile by two worker processes; partners 20 s, interactions 41 s, follow-ups 31 s, requests
30 s, projects 12 s; the secondary indexes, built after the load, 33 s; VACUUM ANALYZE 3 s.
Of each COPY, the foreign-key checks are the largest part (about 13 µs a row for an
interaction's two), the price of keeping them in force.
"""

import bisect
import datetime as dt
import itertools
import multiprocessing
import os
import random
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench import setup_django

setup_django()  # before the models are imported

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from core.data_version import SEQUENCE as DATA_VERSION_SEQUENCE
from core.data_version import TRIGGER as DATA_VERSION_TRIGGER
from core.data_version import triggered_tables
from core.search_text import search_key_for
from partners.models import Partner, RequestDeadlineRule
from partners.services.engagement import DEFAULT_REQUEST_WORKING_DAYS, request_handling_workdays
from partners.uscc import with_check_character
from partners.workdays import add_workdays
from projects.models import Stage

BENCH_TODAY = dt.date(2026, 11, 23)  # the benchmark's "today": every date is relative to it
YEARS = 5
SEED = 20261123
BENCH_USCC_PREFIX = "91110106BD"  # Fengtai's division code, then "BD" and a 7-digit serial
STAFF_USERNAME = "bench-staff-{:03d}"
UTC_OFFSET = "+08"  # Asia/Shanghai, no daylight saving: local times are written with it
MINUTES_PER_DAY = 1440
PARTNER_BITS = 20  # an interaction is sorted as (minute << PARTNER_BITS) | partner index
BATCH_ROWS = 200_000  # rows per COPY statement: the foreign-key checks run once per batch
KEY_POOL_THRESHOLD = 5_000  # fewer search keys than this are computed in this process


@dataclass(frozen=True)
class Scale:
    """How many rows of each kind the bulk holds (on top of the demo data set)."""

    partners: int = 200_000
    interactions: int = 2_000_000
    follow_ups: int = 1_000_000
    due_today: int = 10_000
    requests: int = 200_000
    projects: int = 50_000
    staff: int = 300

    def scaled(self, factor: float) -> "Scale":
        """Every count times ``factor``, at least 5 staff and 1 of the rest."""
        return Scale(
            **{
                name: max(5 if name == "staff" else 1, round(value * factor))
                for name, value in self.__dict__.items()
            }
        )


FULL_SCALE = Scale()


class Dice(random.Random):
    """The seeded generator, with draws cheap enough for loops over millions of rows: each
    costs one ``random()`` call, a fraction of ``randrange``, ``choice`` or ``choices``."""

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        """low ≤ n < high."""
        return low + int(self.random() * (high - low))

    def pick(self, values: Sequence):
        return values[int(self.random() * len(values))]


class Weighted:
    """Values drawn by weight, by bisecting the cumulative weights with one ``random()``."""

    def __init__(self, pairs: Iterable[tuple]):
        pairs = list(pairs)
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, dice: Dice):
        point = dice.random() * self.total
        return self.values[bisect.bisect(self.cumulative, point, 0, len(self.values) - 1)]


# ---------------------------------------------------------------------------------------------
# Word pools. Names are put together from them so that searching by a character pair, pinyin or
# initials finds a realistic spread of partners, contacts and projects.

TRADE_NAME_CHARS = (
    "华中京丰泰瑞康博达通信恒源鑫盛宏远科创新智联航天宇汇金融安云数图光电微芯磐石启明星辰"
    "海德润和嘉利隆兴旺佳禾睿思维易捷迅驰翔腾跃优品卓越领先正道诚立方圆世纪鼎铭晟昊晨阳辉"
    "煌锦绣峰岳川江河湖泉林森松柏竹梅兰菊宁静雅致精工匠心合众普惠百千万亿东南西北"
)
REGION_PREFIXES = (("北京", 75), ("北京市", 5), ("", 15), ("中关村", 5))
COMPANY_FORMS = (
    ("有限公司", 60),
    ("有限责任公司", 15),
    ("股份有限公司", 12),
    ("集团有限公司", 3),
    ("有限公司丰台分公司", 5),
    ("科技发展有限公司", 5),
)
# The line of business in a name, by top-level industry (reference data of the demo set).
INDUSTRY_WORDS = {
    "轨道交通": ("轨道交通技术", "轨道装备", "交通科技", "通号技术", "城轨工程", "铁路信号"),
    "航天航空": ("航天科技", "航空技术", "卫星应用", "空天信息", "航空装备"),
    "数字经济": ("信息技术", "网络科技", "数据科技", "软件", "云计算", "数字科技"),
    "新兴金融": ("投资管理", "资产管理", "金融信息服务", "融资租赁", "商业保理"),
    "高端商务": ("商务咨询", "企业管理", "供应链管理", "国际贸易", "商贸", "物流"),
    "智能制造": ("智能装备", "机器人", "自动化技术", "精密机械", "工业互联网"),
    "商用密码": ("密码技术", "信息安全", "网络安全", "安全技术"),
    "低空经济": ("无人机", "通用航空", "低空科技", "飞行器"),
    "智能医工": ("医疗器械", "生物科技", "医药科技", "健康科技", "医学影像"),
    "未来食品": ("食品科技", "生物技术", "营养健康", "食品"),
    "数字花卉": ("花卉", "园艺科技", "农业科技", "花卉交易"),
    "智能建造": ("建设工程", "建筑科技", "工程咨询", "建筑设计", "装配式建筑"),
}
ORGANISATION_TYPE_WEIGHTS = {
    "central_soe": 3,
    "municipal_soe": 3,
    "private": 20,
    "foreign": 2,
    "university": 1,
    "research_institute": 2,
    "financial_institution": 2,
    "association": 1,
}
FINANCIAL_FORMS = (
    "银行股份有限公司北京丰台支行", "证券股份有限公司北京丰台营业部", "基金管理有限公司",
    "融资担保有限公司",
)  # fmt: skip
FOREIGN_BRANDS = ("西门子", "博世", "施耐德", "阿尔斯通", "霍尼韦尔", "飞利浦", "ABB", "三星")
ROADS = (
    "丰台路", "南四环西路", "丽泽路", "汽车博物馆东路", "科学城星火路", "总部基地", "万丰路",
    "西四环南路", "南三环西路", "马家堡东路", "芳城园一区", "海鹰路", "航丰路", "富丰路",
    "看丹路", "花乡路", "樊羊路", "金泽路", "菜户营南路", "大红门路",
)  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤单解仇查"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "晓明",
    "晓东", "文", "斌", "宇", "浩", "凯", "鹏", "婷", "雪", "琳", "颖", "欣", "悦", "子涵", "梓轩",
    "一鸣", "思远", "俊杰", "嘉怡", "雨萱", "博文", "天佑", "佳琪", "晨", "辉", "亮", "红", "玉兰",
    "淑珍", "国庆", "立新", "长春", "红梅", "春梅", "丹", "倩", "雯", "蕾", "健", "波", "华", "宁",
    "峰", "鑫", "琦", "瑶", "璐", "彤", "昊", "然", "子豪", "梓涵", "浩然", "宇航", "泽宇", "欣怡",
    "诗涵", "明轩", "雨桐", "可馨",
)  # fmt: skip
CONTACTS_PER_PARTNER = Weighted(((1, 45), (2, 35), (3, 20)))
PARTNER_STATUSES = Weighted((("active", 96), ("suspended", 2.5), ("withdrawn", 1.5)))
CONTACT_TITLES = ("总经理", "副总经理", "办公室主任", "董事会秘书", "市场部经理", "行政总监")
MOBILE_PREFIXES = ("135", "136", "138", "139", "150", "158", "186", "177", "199")
STAFF_DEPARTMENTS = (
    "区投资促进服务中心", "区发展和改革委员会", "区商务局", "区科学技术和信息化局",
    "区经济和信息化局", "中关村丰台园管委会", "丽泽金融商务区管委会",
)  # fmt: skip
TAG_SHARES = (
    ("国家高新技术企业", 0.35),
    ("专精特新", 0.12),
    ("专精特新“小巨人”", 0.03),
    ("瞪羚", 0.04),
    ("潜在独角兽", 0.01),
    ("独角兽", 0.002),
    ("上市公司", 0.01),
)
DOUBLING_TAG = "倍增计划目录企业"

INTERACTION_KINDS = Weighted(
    (("visit", 35), ("call", 30), ("meeting", 15), ("event", 8), ("online", 12))
)
KIND_OPENERS = {
    "visit": "上门走访，",
    "call": "电话沟通",
    "meeting": "召开座谈会，",
    "event": "参加产业活动，交流",
    "online": "视频会议沟通",
}
TOPICS = (
    "年度经营情况和扩产计划", "“丰九条”政策兑现材料准备进度", "研发用房需求", "人才公寓和子女入学",
    "融资需求和城市合伙人基金对接", "新建产线环评审批进度", "供应链上下游对接", "总部迁入意向",
    "高新技术企业认定申报", "专精特新企业培育", "上市辅导进展", "产业链配套需求", "用电扩容申请",
    "办公楼宇租赁续约", "知识产权保护", "数据出境合规", "首台套产品推广", "应用场景开放需求",
)  # fmt: skip
OUTCOMES = (
    "企业表示将按期提交材料", "已转相关部门办理", "约定下月再次回访", "需求已记录，待协调",
    "企业对服务表示满意", "已对接园区招商部门",
)  # fmt: skip
FOLLOW_UP_ACTIONS = (
    "回访政策兑现进度", "提醒企业提交申报材料", "对接园区空置楼宇", "协调人才公寓房源",
    "跟进融资对接结果", "邀请参加产业工作营活动",
)  # fmt: skip
# When a promised follow-up falls due after the contact: days, weight.
FOLLOW_UP_DELAYS = Weighted(((1, 5), (3, 10), (7, 30), (14, 25), (30, 20), (60, 10)))
REQUEST_TEXTS = {
    "policy": ("咨询研发投入补贴申报条件", "申请“丰九条”贷款贴息", "咨询高新技术企业奖励兑现"),
    "space": ("希望新增约 2000 平方米研发用房", "寻找带产证的总部办公楼", "需要中试场地"),
    "talent": ("两名核心技术人员需要人才公寓", "高管子女入学协调", "申请人才引进落户指标"),
    "finance": ("希望对接城市合伙人基金", "申请首贷贴息", "需要知识产权质押融资"),
    "approvals": ("新建产线环评审批进度咨询", "施工许可办理协调", "消防验收预约"),
    "market": ("希望开放轨道交通应用场景", "参加政府采购对接会", "产品进入首台套目录"),
    "other": ("园区道路停车协调", "办公区周边公交线路调整", "企业更名后证照变更"),
}
REQUEST_CATEGORIES = Weighted(
    (
        ("policy", 25),
        ("space", 15),
        ("talent", 15),
        ("finance", 15),
        ("approvals", 12),
        ("market", 10),
        ("other", 8),
    )
)
# By age: a recent request (False) is mostly open, an old one (True) mostly resolved and closed.
REQUEST_STATUSES = {
    False: Weighted((("received", 30), ("in_progress", 40), ("resolved", 20), ("closed", 10))),
    True: Weighted((("received", 2), ("in_progress", 3), ("resolved", 35), ("closed", 60))),
}
REQUEST_DEPARTMENTS = {
    "policy": "区发展和改革委员会",
    "space": "区投资促进服务中心",
    "talent": "区人力资源和社会保障局",
    "finance": "区金融服务办公室",
    "approvals": "区政务服务管理局",
    "market": "区商务局",
    "other": "区投资促进服务中心",
}
SATISFACTION = Weighted(((5, 50), (4, 30), (3, 12), (2, 5), (1, 3)))
PROJECT_KINDS = Weighted((("industrial", 70), ("urban_renewal", 10), ("carrier", 12), ("other", 8)))
PROJECT_SUFFIXES = (
    "研发中心项目", "总部基地项目", "产业园项目", "智能制造基地项目", "创新中心项目",
    "数据中心项目", "改造提升项目", "产业化项目", "中试基地项目",
)  # fmt: skip
DROP_REASONS = ("投资方调整计划", "选址未达成一致", "资金未落实", "企业转投外省市", "政策条件不符")
# Moves out of each stage, with their chances; the rest of the chance is "stays there".
# Every move is one the pipeline allows (projects.services.FORWARD, dropping, reopening).
STAGE_MOVES = {
    Stage.LEAD: ((Stage.NEGOTIATING, 0.55), (Stage.DROPPED, 0.15)),
    Stage.NEGOTIATING: ((Stage.SIGNED, 0.45), (Stage.LEAD, 0.1), (Stage.DROPPED, 0.15)),
    Stage.SIGNED: ((Stage.LANDED, 0.6), (Stage.DROPPED, 0.05)),
    Stage.LANDED: ((Stage.UNDER_CONSTRUCTION, 0.6), (Stage.DROPPED, 0.03)),
    Stage.UNDER_CONSTRUCTION: ((Stage.OPERATING, 0.5), (Stage.DROPPED, 0.02)),
    Stage.OPERATING: (),
}
REOPEN_CHANCE = 0.15

# Distributions.
STAFF_ZIPF = 0.9  # stewards' share of partners ∝ 1 / rank^0.9: a few carry most
PARETO_ALPHA = 1.2  # interactions per partner: most a few, a long tail of very busy ones
PARETO_CAP = 300.0
NEVER_CONTACTED = 0.06
PRE_JOIN_DAYS = 730  # contacts start up to two years before a partner joins the plan
WEEKEND_REDRAW = 0.85
RECORDED_BY_STEWARD = 0.8
SPAWN_SHARE = 0.8  # share of the follow-ups created by an interaction
RECENT_DAYS = 60
FOLLOW_UP_OVERDUE_OPEN = (0.25, 0.015)  # chance an overdue follow-up is still open: recent, old
FOLLOW_UP_CANCELLED = 0.08  # of the follow-ups due before today
FULFILLED_WITHIN_DAYS = 30  # the next contact fulfils a follow-up if it comes this soon after due
REQUEST_LINKED = 0.7  # share of requests raised in an interaction


# ---------------------------------------------------------------------------------------------
# Time: whole minutes since the first day of the window, in local time.


class Clock:
    """Dates as day numbers from the first day of the five-year window and times as minutes
    from its midnight, local time. Timestamps go to COPY as text with the fixed UTC+8 offset
    (the site's zone has no daylight saving), which is much cheaper than datetime objects."""

    def __init__(self, today: dt.date, years: int):
        self.start = today.replace(year=today.year - years)
        self.today = (today - self.start).days
        self._iso = [
            (self.start + dt.timedelta(days=d)).isoformat() for d in range(self.today + 400)
        ]
        self._clock = [f" {m // 60:02d}:{m % 60:02d}:00{UTC_OFFSET}" for m in range(1440)]
        self._weekday = self.start.weekday()

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def day_of(self, date: dt.date) -> int:
        return (date - self.start).days

    def iso(self, day: int) -> str:
        return self._iso[day]

    def stamp(self, minute: int) -> str:
        return self._iso[minute // MINUTES_PER_DAY] + self._clock[minute % MINUTES_PER_DAY]

    def aware(self, minute: int) -> dt.datetime:
        """The timezone-aware datetime of a minute, for the app's own functions."""
        day, rest = divmod(minute, MINUTES_PER_DAY)
        naive = dt.datetime.combine(self.date(day), dt.time(rest // 60, rest % 60))
        return timezone.make_aware(naive)

    def is_weekend(self, day: int) -> bool:
        return (self._weekday + day) % 7 >= 5


def zipf(count: int, exponent: float) -> Weighted:
    """Indexes 0 … count-1, the first ones far likelier: 1 / rank^exponent."""
    return Weighted((index, 1 / (index + 1) ** exponent) for index in range(count))


def working_minute(dice: Dice) -> int:
    """A time of day between 08:30 and 18:00."""
    return 510 + dice.below(570)


# ---------------------------------------------------------------------------------------------
# Reference data: what load_demo created and the bulk refers to.


@dataclass
class Reference:
    staff_group: int
    industries: dict[str, int]  # name → id
    top_industry: dict[str, str]  # industry name → its top-level industry's name
    segments: dict[str, list[int]]  # top-level industry name → its chain's segment ids
    carriers: list[int]
    tags: dict[str, int]
    conferences: list[tuple[dt.date, int]]  # (date, id), earliest first
    deadline_days: dict[str, int]


def read_reference() -> Reference:
    """Ids and names of the reference rows, read once; the bulk is written with raw ids."""
    with connection.cursor() as cursor:
        industries = dict(rows(cursor, "SELECT name, id FROM chains_industry"))
        parents = dict(
            rows(
                cursor,
                "SELECT i.name, p.name FROM chains_industry i "
                "LEFT JOIN chains_industry p ON p.id = i.parent_id",
            )
        )
        segments: dict[str, list[int]] = {}
        for industry, segment in rows(
            cursor,
            "SELECT i.name, s.id FROM chains_chainsegment s JOIN chains_industrychain c "
            "ON c.id = s.chain_id JOIN chains_industry i ON i.id = c.industry_id "
            "ORDER BY c.position, s.position",
        ):
            segments.setdefault(industry, []).append(segment)
        return Reference(
            staff_group=value(cursor, "SELECT id FROM auth_group WHERE name = %s", [Role.STAFF]),
            industries=industries,
            top_industry={name: parent or name for name, parent in parents.items()},
            segments=segments,
            carriers=[
                row[0] for row in rows(cursor, "SELECT id FROM partners_carrier ORDER BY id")
            ],
            tags=dict(rows(cursor, "SELECT name, id FROM partners_qualificationtag")),
            conferences=rows(
                cursor,
                "SELECT date, id FROM projects_event WHERE kind = 'conference' ORDER BY date",
            ),
            deadline_days={
                rule.category: rule.working_days for rule in RequestDeadlineRule.objects.all()
            },
        )


def rows(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def value(cursor, sql: str, params=None):
    return rows(cursor, sql, params)[0][0]


# ---------------------------------------------------------------------------------------------
# Search keys: the app's own function, in worker processes when there are many.


def start_search_keys(names: list[tuple[str, ...]]) -> Callable[[], list[str]]:
    """Start computing ``search_key_for`` of each tuple of names; returns the function that
    waits for the keys, in order. The keys are exactly what the app stores, whatever the name,
    but one costs a quarter to half a millisecond for a company name (pypinyin), so a long
    list goes to worker processes, one per core, which work while this process goes on
    planning."""
    if len(names) < KEY_POOL_THRESHOLD:
        return lambda: [search_key_for(*group) for group in names]
    if not connection.in_atomic_block:
        connection.close()  # the workers never use it, but need not share its socket
    pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
    pending = pool.starmap_async(search_key_for, names, chunksize=1000)

    def collect() -> list[str]:
        with pool:
            return pending.get()

    return collect


def search_keys(names: list[tuple[str, ...]]) -> list[str]:
    return start_search_keys(names)()


def cached_search_keys(names: list[str]) -> dict[str, str]:
    """Keys of names that repeat (people's names): each distinct name computed once."""
    distinct = list(dict.fromkeys(names))
    return dict(zip(distinct, search_keys([(name,) for name in distinct]), strict=True))


# ---------------------------------------------------------------------------------------------
# The plan: every row decided in memory before anything is written.


@dataclass(slots=True)
class PartnerPlan:
    name: str
    short_name: str
    organisation_type: str
    industries: list[str]
    segments: list[int]
    tags: list[int]
    steward: int  # staff index, -1 for none
    joined_day: int
    event: int | None
    status: str
    carrier: int | None
    capital: str | None
    established_on: str | None
    catalogue: bool
    address: str
    archived: bool
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)
    key: str = ""
    last_contact: int = -1  # minute of the latest interaction, -1 for never


@dataclass
class Plan:
    scale: Scale
    clock: Clock
    partners: list[PartnerPlan]
    interactions: list[int]  # (minute << PARTNER_BITS) | partner index, in time order
    staff_names: list[str]


class NameMaker:
    """Unique company names: region, trade name, line of business and legal form, shaped by
    the organisation type."""

    def __init__(self, rng: Dice):
        self.rng = rng
        self.used: set[str] = set()
        self.regions = Weighted(REGION_PREFIXES)
        self.forms = Weighted(COMPANY_FORMS)

    def trade_name(self) -> str:
        length = 2 if self.rng.random() < 0.8 else 3
        return "".join(self.rng.pick(TRADE_NAME_CHARS) for _n in range(length))

    def company(self, organisation_type: str, industry: str) -> tuple[str, str]:
        """A name not used before and its short name."""
        while True:
            trade = self.trade_name()
            word = self.rng.pick(INDUSTRY_WORDS[industry])
            name = self._shape(organisation_type, trade, word)
            if name not in self.used and len(name) <= 128:
                self.used.add(name)
                short = "" if self.rng.random() < 0.2 else trade + short_word(word)
                return name, short

    def _shape(self, organisation_type: str, trade: str, word: str) -> str:
        rng = self.rng
        form = self.forms.draw(rng)
        if organisation_type == "central_soe":
            return f"中国{trade}{word}集团有限公司"
        if organisation_type == "foreign":
            return f"{rng.pick(FOREIGN_BRANDS)}{trade}（北京）{word}{form}"
        if organisation_type == "university":
            return f"北京{trade}{rng.pick(('职业技术学院', '学院', '大学'))}"
        if organisation_type == "research_institute":
            return f"北京{trade}{word}{rng.pick(('研究院', '研究所', '研究院有限公司'))}"
        if organisation_type == "financial_institution":
            return trade + rng.pick(FINANCIAL_FORMS)
        if organisation_type == "association":
            return f"北京市丰台区{trade}{word}{rng.pick(('协会', '商会', '产业联盟'))}"
        return f"{self.regions.draw(rng)}{trade}{word}{form}"


def short_word(word: str) -> str:
    """What a short name keeps of the line of business: 科技 of 科技, 无人机 of 无人机, 轨道 of
    轨道交通技术."""
    return word if len(word) <= 3 else word[:2]


def person_name(rng: Dice) -> str:
    return rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES)


def phone(rng: Dice) -> str:
    """A mobile number, or a Beijing landline, as validate_phone accepts them."""
    if rng.random() < 0.8:
        return f"{rng.pick(MOBILE_PREFIXES)}{rng.below(10**8):08d}"
    return f"010-6{rng.below(10**7):07d}"


def plan_partners(rng: Dice, scale: Scale, ref: Reference, clock: Clock) -> list:
    """Every partner's attributes, in the order they joined (so ids follow joining dates)."""
    names = NameMaker(rng)
    industries = [name for name in ref.industries if ref.top_industry[name] in INDUSTRY_WORDS]
    choices = PartnerChoices(
        industries=Weighted(
            (name, 6 if ref.top_industry[name] in ("轨道交通", "航天航空") else 2)
            for name in industries
        ),
        types=Weighted(ORGANISATION_TYPE_WEIGHTS.items()),
        stewards=zipf(scale.staff, STAFF_ZIPF),
    )
    partners = [plan_partner(rng, names, ref, clock, choices) for _n in range(scale.partners)]
    partners.sort(key=lambda plan: plan.joined_day)
    return partners


@dataclass(frozen=True)
class PartnerChoices:
    industries: Weighted
    types: Weighted
    stewards: Weighted


def plan_partner(rng, names, ref, clock, choices: PartnerChoices) -> PartnerPlan:
    organisation_type = choices.types.draw(rng)
    count = rng.pick((1, 1, 1, 2))
    industries = list(dict.fromkeys(choices.industries.draw(rng) for _n in range(count)))
    top = ref.top_industry[industries[0]]
    name, short_name = names.company(organisation_type, top)
    catalogue = rng.random() < 0.1
    joined_day, event = joined(rng, ref, clock)
    return PartnerPlan(
        name=name,
        short_name=short_name,
        organisation_type=organisation_type,
        industries=industries,
        segments=rng.sample(ref.segments[top], k=rng.pick((1, 1, 2))),
        tags=plan_tags(rng, ref, catalogue),
        steward=-1 if rng.random() < 0.03 else choices.stewards.draw(rng),
        joined_day=joined_day,
        event=event,
        status=PARTNER_STATUSES.draw(rng),
        carrier=rng.pick(ref.carriers) if rng.random() < 0.6 else None,
        capital=None if rng.random() < 0.1 else f"{min(rng.lognormvariate(6, 1.6), 1e9):.2f}",
        established_on=established(rng, clock.date(joined_day)),
        catalogue=catalogue,
        address=f"北京市丰台区{rng.pick(ROADS)}{rng.between(1, 300)}号",
        archived=rng.random() < 0.005,
        contacts=[
            (person_name(rng), rng.pick(CONTACT_TITLES), phone(rng), "")
            for _n in range(CONTACTS_PER_PARTNER.draw(rng))
        ],
    )


def established(rng: Dice, joined_on: dt.date) -> str:
    """A day between 1985 and the year the partner joined, not after it joined."""
    day = dt.date(rng.between(1985, joined_on.year + 1), rng.between(1, 13), rng.between(1, 29))
    return min(day, joined_on).isoformat()


def plan_tags(rng: Dice, ref: Reference, catalogue: bool) -> list[int]:
    tags = [ref.tags[name] for name, share in TAG_SHARES if rng.random() < share]
    return [*tags, ref.tags[DOUBLING_TAG]] if catalogue else tags


def joined(rng: Dice, ref: Reference, clock: Clock) -> tuple[int, int | None]:
    """A third joined at the first conference, a tenth at the latest one, the rest on any day
    since the first conference."""
    (first, first_event), (latest, latest_event) = ref.conferences[0], ref.conferences[-1]
    draw = rng.random()
    if draw < 0.3:
        return clock.day_of(first), first_event
    if draw < 0.4:
        return clock.day_of(latest), latest_event
    return rng.between(clock.day_of(first) + 1, clock.today), None


def interaction_counts(rng: Dice, partners: int, total: int) -> list[int]:
    """Interactions per partner, adding up to ``total`` exactly: Pareto weights (most partners
    a few, a capped tail of busy ones), some partners never contacted."""
    weights = [
        0.0 if rng.random() < NEVER_CONTACTED else min(rng.paretovariate(PARETO_ALPHA), PARETO_CAP)
        for _n in range(partners)
    ]
    ratio = total / sum(weights)
    counts = [int(weight * ratio) for weight in weights]
    for index in rng.choices(range(partners), weights=weights, k=total - sum(counts)):
        counts[index] += 1
    return counts


def plan_interactions(rng: Dice, partners: list, scale: Scale, clock: Clock) -> list:
    """Every interaction's time and partner, sorted by time (ids then follow time, as in a
    real table); sets each partner's ``last_contact``. Working hours, mostly on weekdays,
    from two years before the partner joined (or the start of the window) to yesterday."""
    keys = []
    append, between, random_ = keys.append, rng.between, rng.random
    for index, count in enumerate(interaction_counts(rng, len(partners), scale.interactions)):
        low = max(0, partners[index].joined_day - PRE_JOIN_DAYS)
        for _n in range(count):
            day = between(low, clock.today)
            if clock.is_weekend(day) and random_() < WEEKEND_REDRAW:
                day = between(low, clock.today)
            append(((day * MINUTES_PER_DAY + working_minute(rng)) << PARTNER_BITS) | index)
    keys.sort()
    mask = (1 << PARTNER_BITS) - 1
    for key in keys:
        partners[key & mask].last_contact = key >> PARTNER_BITS
    return keys


def make_plan(scale: Scale, ref: Reference, phases: "Phases") -> Plan:
    rng = Dice(SEED)
    clock = Clock(BENCH_TODAY, YEARS)
    with phases.phase("plan partners") as counted:
        partners = plan_partners(rng, scale, ref, clock)
        counted["partners planned"] = len(partners)
    with phases.phase("plan interactions, partner keys") as counted:
        keys = start_search_keys([(plan.name, plan.short_name) for plan in partners])
        interactions = plan_interactions(rng, partners, scale, clock)
        staff_names = [person_name(rng) for _n in range(scale.staff)]
        for plan, key in zip(partners, keys(), strict=True):
            plan.key = key
        counted["interactions planned"] = len(interactions)
        counted["partner search keys"] = len(partners)
    return Plan(scale, clock, partners, interactions, staff_names)


# ---------------------------------------------------------------------------------------------
# Writing: COPY in large batches.


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows_: Iterable[tuple]) -> int:
    """COPY the rows into ``table``, BATCH_ROWS to a statement; returns how many. The deferred
    foreign-key checks of each statement run at its end (SET CONSTRAINTS ALL IMMEDIATE)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    iterator, total = iter(rows_), 0
    while True:
        batch = 0
        with cursor.copy(sql) as copy:
            for row in itertools.islice(iterator, BATCH_ROWS):
                copy.write_row(row)
                batch += 1
        total += batch
        if batch < BATCH_ROWS:
            return total


def next_id(cursor, table: str) -> int:
    return value(cursor, f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608


def reset_sequences(cursor, tables: Iterable[str]) -> None:
    """Rows were written with explicit ids: move each identity sequence past them."""
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM {table}",  # noqa: S608
            [table],
        )


@dataclass
class Ids:
    """The first id of each bulk table's rows and the staff users' ids, known once written."""

    staff: list[int] = field(default_factory=list)
    partner: int = 0
    interaction: int = 0
    request: int = 0
    project: int = 0

    def staff_or_none(self, index: int) -> int | None:
        return self.staff[index] if index >= 0 else None


def write_staff(cursor, plan: Plan, ref: Reference, ids: Ids) -> Counter:
    """Staff accounts without a usable password ("!" prefix), in the staff role group."""
    first = next_id(cursor, "accounts_user")
    ids.staff = list(range(first, first + plan.scale.staff))
    joined_at = plan.clock.stamp(0)
    users = (
        (pk, "!bench-data", False, STAFF_USERNAME.format(n), "", "", "", True, True, joined_at,
         name, STAFF_DEPARTMENTS[n % len(STAFF_DEPARTMENTS)])
        for n, (pk, name) in enumerate(zip(ids.staff, plan.staff_names, strict=True), start=1)
    )  # fmt: skip
    columns = ("id", "password", "is_superuser", "username", "first_name", "last_name", "email",
               "is_staff", "is_active", "date_joined", "full_name", "department")  # fmt: skip
    written = Counter(users=copy_rows(cursor, "accounts_user", columns, users))
    groups = ((pk, ref.staff_group) for pk in ids.staff)
    copy_rows(cursor, "accounts_user_groups", ("user_id", "group_id"), groups)
    return written


PARTNER_COLUMNS = (
    "id", "version", "archived_at", "archived_by_id", "uscc", "name", "short_name",
    "organisation_type", "address", "registered_capital", "established_on", "joined_on",
    "joined_at_event_id", "status", "in_doubling_catalogue", "notes", "introduction",
    "business_scope", "needs", "created_at", "updated_at", "carrier_id", "steward_id",
    "last_contacted_at", "search_key", "contacts_search_key",
)  # fmt: skip


def archived_minute(rng: Dice, created: int, clock: Clock) -> int | None:
    """Some weeks after it was created, if that is before today."""
    minute = created + rng.between(1, 200) * MINUTES_PER_DAY
    return minute if minute < clock.today * MINUTES_PER_DAY else None


def partner_rows(plan: Plan, ids: Ids, rng: Dice, keys: dict[str, str]) -> Iterator[tuple]:
    """``keys``: the contacts' search keys by name, joined in contact order on the partner's
    row as ``partners.services.partner_contacts_key_refresh`` keeps them."""
    clock = plan.clock
    for index, partner in enumerate(plan.partners):
        created = partner.joined_day * MINUTES_PER_DAY + working_minute(rng)
        archived = archived_minute(rng, created, clock) if partner.archived else None
        yield (
            ids.partner + index, 1 if archived is None else 2,
            None if archived is None else clock.stamp(archived),
            None if archived is None else rng.pick(ids.staff),
            with_check_character(f"{BENCH_USCC_PREFIX}{index + 1:07d}"), partner.name,
            partner.short_name, partner.organisation_type, partner.address, partner.capital,
            partner.established_on, clock.iso(partner.joined_day), partner.event, partner.status,
            partner.catalogue, "", "", "", "", clock.stamp(created),
            clock.stamp(created if archived is None else archived), partner.carrier,
            ids.staff_or_none(partner.steward),
            None if partner.last_contact < 0 else clock.stamp(partner.last_contact), partner.key,
            "".join(keys[contact[0]] for contact in partner.contacts),
        )  # fmt: skip


def write_partners(cursor, plan: Plan, ref: Reference, ids: Ids, rng: Dice) -> Counter:
    ids.partner = next_id(cursor, "partners_partner")
    keys = cached_search_keys([c[0] for p in plan.partners for c in p.contacts])
    written = Counter(
        partners=copy_rows(
            cursor, "partners_partner", PARTNER_COLUMNS, partner_rows(plan, ids, rng, keys)
        )
    )
    pairs = list(enumerate(plan.partners, start=ids.partner))
    written["partner industries"] = copy_rows(
        cursor,
        "partners_partner_industries",
        ("partner_id", "industry_id"),
        ((pk, ref.industries[name]) for pk, p in pairs for name in p.industries),
    )
    written["partner segments"] = copy_rows(
        cursor,
        "partners_partner_segments",
        ("partner_id", "chainsegment_id"),
        ((pk, segment) for pk, p in pairs for segment in p.segments),
    )
    written["partner tags"] = copy_rows(
        cursor,
        "partners_partner_tags",
        ("partner_id", "qualificationtag_id"),
        ((pk, tag) for pk, p in pairs for tag in p.tags),
    )
    written["contacts"] = write_contacts(cursor, pairs, keys)
    return written


def write_contacts(cursor, pairs: list[tuple[int, PartnerPlan]], keys: dict[str, str]) -> int:
    """The first contact of each partner is its primary one (at most one per partner)."""
    contacts = (
        (1, name, title, phone_, f"contact{pk}-{n}@example.com", n == 1, pk, keys[name])
        for pk, p in pairs
        for n, (name, title, phone_, _email) in enumerate(p.contacts, start=1)
    )
    columns = (
        "version",
        "name",
        "title",
        "phone",
        "email",
        "is_primary",
        "partner_id",
        "search_key",
    )
    return copy_rows(cursor, "partners_contactperson", columns, contacts)


# ---------------------------------------------------------------------------------------------
# Interactions and the follow-ups they create.


def plan_follow_up_delays(rng: Dice, plan: Plan) -> tuple[array, int]:
    """For each interaction, the days until the follow-up it creates (0: none), and how many
    open follow-ups due today are still missing. Exactly ``due_today`` of the interactions'
    follow-ups fall due today: a surplus moves to tomorrow, a shortfall is made up by recent
    interactions that had none; what even those cannot cover is left to standalone ones."""
    clock, keys, scale = plan.clock, plan.interactions, plan.scale
    chance = SPAWN_SHARE * scale.follow_ups / max(1, scale.interactions)
    delays = array("H", bytes(2 * len(keys)))
    due_today = []
    for index, key in enumerate(keys):
        if rng.random() < chance:
            delay = delays[index] = FOLLOW_UP_DELAYS.draw(rng)
            if (key >> PARTNER_BITS) // MINUTES_PER_DAY + delay == clock.today:
                due_today.append(index)
    surplus = len(due_today) - scale.due_today
    if surplus >= 0:
        for index in rng.sample(due_today, surplus):
            delays[index] += 1
        return delays, 0
    recent = bisect.bisect_left(
        keys, ((clock.today - RECENT_DAYS) * MINUTES_PER_DAY) << PARTNER_BITS
    )
    idle = [index for index in range(recent, len(keys)) if not delays[index]]
    for index in rng.sample(idle, min(-surplus, len(idle))):
        delays[index] = clock.today - (keys[index] >> PARTNER_BITS) // MINUTES_PER_DAY
    return delays, max(0, -surplus - len(idle))


@dataclass(slots=True)
class FollowUpPlan:
    created: int  # minute
    partner: int
    owner: int  # staff index
    due: int  # day
    action: str
    status: str = "open"
    closed: int = -1  # minute
    created_by: int = -1  # interaction index
    closed_by: int = -1


class FollowUpBook:
    """Decides each follow-up's fate as the interactions go by in time order: the next contact
    with the same partner is what fulfils a follow-up that gets done, when it comes soon
    enough; otherwise it was marked done around its due day."""

    def __init__(self, rng: Dice, clock: Clock):
        self.rng, self.clock = rng, clock
        self.plans: list[FollowUpPlan] = []
        self.pending: dict[int, FollowUpPlan] = {}

    def contact(self, index: int, partner: int, minute: int) -> None:
        waiting = self.pending.pop(partner, None)
        if waiting is None:
            return
        if minute <= (waiting.due + FULFILLED_WITHIN_DAYS) * MINUTES_PER_DAY:
            waiting.closed, waiting.closed_by = minute, index
        else:
            self.close_unlinked(waiting)

    def add(self, follow_up: FollowUpPlan) -> None:
        """Record a follow-up; one due before today is done, cancelled or still open."""
        self.plans.append(follow_up)
        today, rng = self.clock.today, self.rng
        if follow_up.due >= today:
            return
        open_chance = FOLLOW_UP_OVERDUE_OPEN[today - follow_up.due > RECENT_DAYS]
        draw = rng.random()
        if draw < open_chance:
            return
        if draw > 1 - FOLLOW_UP_CANCELLED:
            created_day = follow_up.created // MINUTES_PER_DAY
            day = rng.between(created_day + 1, follow_up.due + 1)
            follow_up.status = "cancelled"
            follow_up.closed = day * MINUTES_PER_DAY + working_minute(rng)
            return
        follow_up.status = "done"
        if follow_up.created_by < 0:
            self.close_unlinked(follow_up)
            return
        earlier = self.pending.pop(follow_up.partner, None)
        if earlier is not None:
            self.close_unlinked(earlier)
        self.pending[follow_up.partner] = follow_up

    def close_unlinked(self, follow_up: FollowUpPlan) -> None:
        day = min(follow_up.due + self.rng.below(3), self.clock.today - 1)
        follow_up.closed = day * MINUTES_PER_DAY + working_minute(self.rng)

    def finish(self) -> list[FollowUpPlan]:
        for follow_up in self.pending.values():
            self.close_unlinked(follow_up)
        self.pending.clear()
        return sorted(self.plans, key=lambda follow_up: follow_up.created)


INTERACTION_COLUMNS = (
    "id", "version", "kind", "occurred_at", "summary", "outcome", "next_follow_up_on",
    "created_at", "partner_id", "recorded_by_id",
)  # fmt: skip


class Engagement:
    """Writes the interactions in time order and collects what depends on them: who recorded
    each one and the follow-ups they created."""

    def __init__(self, rng: Dice, plan: Plan, ids: Ids):
        self.rng, self.plan, self.ids = rng, plan, ids
        self.recorders = array("H", bytes(2 * len(plan.interactions)))
        self.book = FollowUpBook(rng, plan.clock)
        self.staff = zipf(plan.scale.staff, STAFF_ZIPF)
        self.delays, self.missing_due_today = plan_follow_up_delays(rng, plan)

    def any_staff(self) -> int:
        return self.staff.draw(self.rng)

    def recorder(self, partner: PartnerPlan) -> int:
        if partner.steward >= 0 and self.rng.random() < RECORDED_BY_STEWARD:
            return partner.steward
        return self.any_staff()

    def rows(self) -> Iterator[tuple]:
        rng, clock, ids, partners = self.rng, self.plan.clock, self.ids, self.plan.partners
        mask = (1 << PARTNER_BITS) - 1
        for index, key in enumerate(self.plan.interactions):
            minute, partner_index = key >> PARTNER_BITS, key & mask
            partner = partners[partner_index]
            recorder = self.recorders[index] = self.recorder(partner)
            kind = INTERACTION_KINDS.draw(rng)
            summary = KIND_OPENERS[kind] + rng.pick(TOPICS)
            self.book.contact(index, partner_index, minute)
            delay = self.delays[index]
            due = minute // MINUTES_PER_DAY + delay if delay else None
            if due is not None:
                owner = partner.steward if partner.steward >= 0 else recorder
                self.book.add(
                    FollowUpPlan(minute, partner_index, owner, due, summary, created_by=index)
                )
            yield (
                ids.interaction + index, 1, kind, clock.stamp(minute), summary,
                rng.pick(OUTCOMES) if rng.random() < 0.4 else "",
                None if due is None else clock.iso(due),
                clock.stamp(minute + rng.between(5, 240)), ids.partner + partner_index,
                ids.staff[recorder],
            )  # fmt: skip

    def standalone_follow_ups(self) -> None:
        """Follow-ups written down without a contact, up to the total: at the time of a random
        contact, or (those still missing to make up today's due ones) in the last weeks."""
        rng, clock, keys = self.rng, self.plan.clock, self.plan.interactions
        spawned = len(self.book.plans)
        count = self.plan.scale.follow_ups - spawned
        if count < self.missing_due_today:
            raise ValueError(f"{spawned} follow-ups from interactions leave no room for the rest")
        mask = (1 << PARTNER_BITS) - 1
        for number in range(count):
            key = rng.pick(keys)
            minute, partner_index = key >> PARTNER_BITS, key & mask
            steward = self.plan.partners[partner_index].steward
            owner = steward if steward >= 0 else self.any_staff()
            if number < self.missing_due_today:
                minute = (clock.today - rng.between(1, 30)) * MINUTES_PER_DAY
                minute += working_minute(rng)
                due = clock.today
            else:
                due = minute // MINUTES_PER_DAY + FOLLOW_UP_DELAYS.draw(rng)
                if due == clock.today:  # today's due ones are exactly counted
                    due += 1
            self.book.add(
                FollowUpPlan(minute, partner_index, owner, due, rng.pick(FOLLOW_UP_ACTIONS))
            )


FOLLOW_UP_COLUMNS = (
    "version", "due_on", "action", "status", "closed_at", "created_at", "owner_id", "partner_id",
    "closed_by_interaction_id", "created_by_interaction_id",
)  # fmt: skip


def follow_up_rows(follow_ups: list[FollowUpPlan], plan: Plan, ids: Ids) -> Iterator[tuple]:
    clock = plan.clock
    for f in follow_ups:
        yield (
            1 if f.status == "open" else 2, clock.iso(f.due), f.action, f.status,
            None if f.closed < 0 else clock.stamp(f.closed), clock.stamp(f.created),
            ids.staff[f.owner], ids.partner + f.partner,
            None if f.closed_by < 0 else ids.interaction + f.closed_by,
            None if f.created_by < 0 else ids.interaction + f.created_by,
        )  # fmt: skip


def write_engagement(cursor, plan: Plan, ids: Ids, rng: Dice, phases) -> Engagement:
    with phases.phase("interactions") as counted:
        ids.interaction = next_id(cursor, "partners_interaction")
        engagement = Engagement(rng, plan, ids)
        counted["interactions"] = copy_rows(
            cursor, "partners_interaction", INTERACTION_COLUMNS, engagement.rows()
        )
    with phases.phase("follow-ups") as counted:
        engagement.standalone_follow_ups()
        follow_ups = engagement.book.finish()
        counted["follow-ups"] = copy_rows(
            cursor, "partners_followup", FOLLOW_UP_COLUMNS, follow_up_rows(follow_ups, plan, ids)
        )
    return engagement


# ---------------------------------------------------------------------------------------------
# Enterprise requests and their events.

REQUEST_COLUMNS = (
    "id", "version", "category", "description", "owner_department", "received_on", "deadline",
    "status", "resolved_at", "closed_at", "satisfaction", "created_at", "owner_id", "partner_id",
    "raised_by_id", "raised_in_id", "handling_workdays",
)  # fmt: skip
REQUEST_EVENT_COLUMNS = ("request_id", "kind", "from_value", "to_value", "note", "at", "by_id")


class Requests:
    """Requests raised at the time of random interactions (so busy partners raise more), most
    of them in that interaction; their statuses by age, with the events the request services
    would have written on the way."""

    def __init__(self, rng: Dice, plan: Plan, ref: Reference, engagement: Engagement):
        self.rng, self.plan, self.ref, self.engagement = rng, plan, ref, engagement
        self.events: list[tuple] = []
        self._workdays: dict[tuple[int, int], dt.date] = {}

    def add_workdays(self, day: int, days: int) -> dt.date:
        """``partners.workdays.add_workdays``, remembered: the same few thousand (day, days)
        pairs come back all the time."""
        if (day, days) not in self._workdays:
            self._workdays[day, days] = add_workdays(self.plan.clock.date(day), days)
        return self._workdays[day, days]

    def rows(self, ids: Ids) -> Iterator[tuple]:
        keys, mask = self.plan.interactions, (1 << PARTNER_BITS) - 1
        chosen = sorted(self.rng.sample(range(len(keys)), min(self.plan.scale.requests, len(keys))))
        for number, index in enumerate(chosen):
            minute, partner_index = keys[index] >> PARTNER_BITS, keys[index] & mask
            yield self.request(ids, ids.request + number, index, minute, partner_index)

    def request(self, ids: Ids, pk: int, index: int, minute: int, partner_index: int) -> tuple:
        rng, clock = self.rng, self.plan.clock
        category = REQUEST_CATEGORIES.draw(rng)
        raised_by = self.engagement.recorders[index]
        steward = self.plan.partners[partner_index].steward
        owner = ids.staff[steward if steward >= 0 else raised_by]
        received_day = minute // MINUTES_PER_DAY
        created = minute + rng.between(10, 120)
        days = self.ref.deadline_days.get(category, DEFAULT_REQUEST_WORKING_DAYS)
        status, resolved, closed = self.outcome(received_day, created, days)
        satisfaction = None
        if resolved >= 0 and rng.random() < 0.75:
            satisfaction = SATISFACTION.draw(rng)
        version = self.add_events(pk, owner, created, status, resolved, closed, satisfaction)
        return (
            pk, version, category, rng.pick(REQUEST_TEXTS[category]),
            REQUEST_DEPARTMENTS[category], clock.iso(received_day),
            self.add_workdays(received_day, days).isoformat(), status,
            None if resolved < 0 else clock.stamp(resolved),
            None if closed < 0 else clock.stamp(closed), satisfaction, clock.stamp(created),
            owner, ids.partner + partner_index, ids.staff[raised_by],
            ids.interaction + index if rng.random() < REQUEST_LINKED else None,
            None if resolved < 0
            else request_handling_workdays(clock.date(received_day), clock.aware(resolved)),
        )  # fmt: skip

    def outcome(self, received_day: int, created: int, days: int) -> tuple[str, int, int]:
        """Status, resolved and closed minute (-1: not): an old request is mostly resolved and
        closed, a recent one mostly open; resolution mostly within the deadline."""
        rng, today = self.rng, self.plan.clock.today
        old = today - received_day > RECENT_DAYS
        status = REQUEST_STATUSES[old].draw(rng)
        if status in ("received", "in_progress"):
            return status, -1, -1
        took = round(days * rng.uniform(0.1, 1.4))
        resolved_day = min(self.plan.clock.day_of(self.add_workdays(received_day, took)), today - 1)
        if resolved_day == received_day:
            resolved = min(created + rng.between(30, 180), (received_day + 1) * MINUTES_PER_DAY - 1)
        else:
            resolved = resolved_day * MINUTES_PER_DAY + working_minute(rng)
        if status == "resolved":
            return status, resolved, -1
        closed = min(resolved + rng.between(1, 10) * MINUTES_PER_DAY, today * MINUTES_PER_DAY - 1)
        return status, resolved, closed

    def add_events(self, pk, owner, created, status, resolved, closed, satisfaction) -> int:
        """The request's events (received, in progress, resolved, closed, rated); returns its
        version, one more than its saves after the first."""
        clock, now = self.plan.clock, self.plan.clock.today * MINUTES_PER_DAY - 1
        steps = [("", "received", created)]
        if status == "in_progress" or (resolved >= 0 and self.rng.random() < 0.6):
            end = resolved if resolved >= 0 else now
            steps.append(
                ("received", "in_progress", min(created + self.rng.between(30, 4320), end))
            )
        if resolved >= 0:
            steps.append((steps[-1][1], "resolved", resolved))
        if closed >= 0:
            steps.append(("resolved", "closed", closed))
        self.events += [
            (pk, "status", before, after, "", clock.stamp(at), owner) for before, after, at in steps
        ]
        if satisfaction is not None:
            rated = min(max(resolved, closed) + self.rng.between(60, 7200), now)
            self.events.append((pk, "rated", "", str(satisfaction), "", clock.stamp(rated), owner))
        return len(steps) + (satisfaction is not None)


def write_requests(cursor, plan: Plan, ref: Reference, ids: Ids, rng, engagement) -> Counter:
    ids.request = next_id(cursor, "partners_enterpriserequest")
    requests = Requests(rng, plan, ref, engagement)
    written = Counter(
        requests=copy_rows(
            cursor, "partners_enterpriserequest", REQUEST_COLUMNS, requests.rows(ids)
        )
    )
    written["request events"] = copy_rows(
        cursor, "partners_requestevent", REQUEST_EVENT_COLUMNS, requests.events
    )
    return written


# ---------------------------------------------------------------------------------------------
# Projects and their stage histories.


@dataclass(slots=True)
class ProjectPlan:
    name: str
    kind: str
    industries: list[int]
    investors: list[int]  # partner indexes
    carrier: int | None
    location: str
    investment: str | None
    new_quality: bool
    owner: int  # staff index, -1 for none
    changes: list[tuple[str, str, int, str]]  # from stage, to stage, minute, note
    key: str = ""


def stage_history(rng: Dice, start: int, end: int) -> list[tuple[str, str, int, str]]:
    """Entered at the lead stage, then moves a few months apart, each one the pipeline allows
    (forward, back to lead from negotiating, dropped with a reason, reopened where it was
    dropped), until a project stays where it is or the history reaches today."""
    changes = [("", Stage.LEAD.value, start, "")]
    stage, before_drop, minute = Stage.LEAD, Stage.LEAD, start
    while True:
        minute += 1 + int(rng.expovariate(1 / (90 * MINUTES_PER_DAY)))
        target = next_stage(rng, stage, before_drop)
        if minute >= end or target is None:
            return changes
        note = rng.pick(DROP_REASONS) if target == Stage.DROPPED else ""
        if target == Stage.DROPPED:
            before_drop = stage
        changes.append((stage.value, target.value, minute, note))
        stage = target


def next_stage(rng: Dice, stage: Stage, before_drop: Stage) -> Stage | None:
    draw = rng.random()
    if stage == Stage.DROPPED:
        return before_drop if draw < REOPEN_CHANCE else None
    for target, chance in STAGE_MOVES[stage]:
        if draw < chance:
            return target
        draw -= chance
    return None


def plan_projects(rng: Dice, plan: Plan, ref: Reference) -> list[ProjectPlan]:
    """Projects in the order they entered the pipeline (so ids follow time)."""
    names = NameMaker(rng)
    clock, staff = plan.clock, zipf(plan.scale.staff, STAFF_ZIPF)
    industries = [name for name in ref.industries if ref.top_industry[name] in INDUSTRY_WORDS]
    projects = []
    for _n in range(plan.scale.projects):
        chosen = list(dict.fromkeys(rng.pick(industries) for _i in range(rng.pick((1, 1, 2)))))
        carrier = rng.pick(ref.carriers) if rng.random() < 0.4 else None
        start = rng.below(clock.today) * MINUTES_PER_DAY + working_minute(rng)
        projects.append(
            ProjectPlan(
                name=names.trade_name()
                + rng.pick(INDUSTRY_WORDS[ref.top_industry[chosen[0]]])
                + rng.pick(PROJECT_SUFFIXES),
                kind=PROJECT_KINDS.draw(rng),
                industries=[ref.industries[name] for name in chosen],
                investors=list(
                    dict.fromkeys(
                        rng.below(plan.scale.partners) for _i in range(rng.pick((0, 1, 1, 2)))
                    )
                ),
                carrier=carrier,
                location=f"丰台区{rng.pick(ROADS)}",
                investment=None
                if rng.random() < 0.1
                else f"{min(rng.lognormvariate(1.5, 1.2), 5000):.2f}",
                new_quality=rng.random() < 0.3,
                owner=-1 if rng.random() < 0.05 else staff.draw(rng),
                changes=stage_history(rng, start, clock.today * MINUTES_PER_DAY),
            )
        )
    projects.sort(key=lambda project: project.changes[0][2])
    return projects


PROJECT_COLUMNS = (
    "id", "version", "archived_at", "archived_by_id", "name", "code", "kind", "location",
    "planned_investment", "stage", "stage_changed_at", "drop_reason", "is_new_quality",
    "description", "created_at", "updated_at", "carrier_id", "owner_id", "promoted_at_id",
    "signed_at_id", "search_key",
)  # fmt: skip


def project_rows(projects: list[ProjectPlan], plan: Plan, ids: Ids) -> Iterator[tuple]:
    clock = plan.clock
    for number, p in enumerate(projects):
        _from, stage, changed, note = p.changes[-1]
        yield (
            ids.project + number, len(p.changes), None, None, p.name, f"FTB-{number + 1:06d}",
            p.kind, p.location, p.investment, stage, clock.stamp(changed),
            note if stage == Stage.DROPPED else "", p.new_quality, "",
            clock.stamp(p.changes[0][2]), clock.stamp(changed), p.carrier,
            ids.staff_or_none(p.owner), None, None, p.key,
        )  # fmt: skip


def write_projects(cursor, plan: Plan, ref: Reference, ids: Ids, rng, phases) -> Counter:
    projects = plan_projects(rng, plan, ref)
    with phases.phase("search keys (projects)") as counted:
        for project, key in zip(projects, search_keys([(p.name,) for p in projects]), strict=True):
            project.key = key
        counted["project search keys"] = len(projects)
    ids.project = next_id(cursor, "projects_project")
    numbered = list(enumerate(projects, start=ids.project))
    written = Counter(
        projects=copy_rows(
            cursor, "projects_project", PROJECT_COLUMNS, project_rows(projects, plan, ids)
        )
    )
    changes = sorted(
        (minute, pk, before, after, left, following, note, ids.staff_or_none(p.owner))
        for pk, p in numbered
        for (before, after, minute, note), (_before, following, left, _note) in zip(
            p.changes, [*p.changes[1:], ("", "", None, "")], strict=True
        )
    )
    stamp = plan.clock.stamp
    written["stage changes"] = copy_rows(
        cursor,
        "projects_stagechange",
        (
            "project_id",
            "from_stage",
            "to_stage",
            "changed_at",
            "left_at",
            "next_stage",
            "note",
            "changed_by_id",
        ),
        (
            (
                pk,
                before,
                after,
                stamp(minute),
                left if left is None else stamp(left),
                following,
                note,
                by,
            )
            for minute, pk, before, after, left, following, note, by in changes
        ),
    )
    written["project industries"] = copy_rows(
        cursor,
        "projects_project_industries",
        ("project_id", "industry_id"),
        ((pk, industry) for pk, p in numbered for industry in p.industries),
    )
    written["project investors"] = copy_rows(
        cursor,
        "projects_project_investors",
        ("project_id", "partner_id"),
        ((pk, ids.partner + partner) for pk, p in numbered for partner in p.investors),
    )
    return written


# ---------------------------------------------------------------------------------------------
# The whole load.


class Phases:
    """Prints how long each phase took and what it wrote, as it goes."""

    def __init__(self):
        self.started = time.perf_counter()
        self.counts: Counter = Counter()

    @contextmanager
    def phase(self, label: str) -> Iterator[Counter]:
        started, counted = time.perf_counter(), Counter()
        yield counted
        figures = ", ".join(f"{count:,} {what}" for what, count in counted.items())
        print(f"{label:<34} {time.perf_counter() - started:8.1f} s  {figures}", flush=True)
        self.counts += counted

    def total(self) -> None:
        print(f"{'total':<34} {time.perf_counter() - self.started:8.1f} s", flush=True)


def bench_data_present() -> bool:
    return Partner.objects.filter(uscc__startswith=BENCH_USCC_PREFIX).exists()


BULK_TABLES = (
    "accounts_user", "partners_partner", "partners_interaction", "partners_enterpriserequest",
    "projects_project",
)  # fmt: skip


INDEXED_AFTER = (
    *BULK_TABLES, "partners_contactperson", "partners_partner_industries",
    "partners_partner_segments", "partners_partner_tags", "partners_followup",
    "partners_requestevent", "projects_stagechange", "projects_project_industries",
    "projects_project_investors",
)  # fmt: skip


@contextmanager
def indexes_built_after(cursor, tables: Iterable[str], phases: Phases) -> Iterator[None]:
    """Drop the tables' secondary indexes, let the load run, build them again from their own
    definitions (in the same transaction, so a failed load leaves them as they were). Unique
    indexes stay: they are constraints. Measured on the full load: 258 s with this against
    369 s keeping the indexes, mostly the partners' trigram index (24 s to build, three times
    that to fill row by row) and the interactions' three b-trees."""
    indexes = rows(
        cursor,
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique",
        [list(tables)],
    )
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    with phases.phase("secondary indexes") as counted:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        counted["indexes"] = len(indexes)


def load(scale: Scale = FULL_SCALE, phases: Phases | None = None) -> Counter | None:
    """Write the bulk on top of the reference data already in the database, in one
    transaction; None (and nothing written) when the database already holds it."""
    phases = phases or Phases()
    if bench_data_present():
        return None
    ref = read_reference()
    plan = make_plan(scale, ref, phases)
    ids = Ids()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with indexes_built_after(cursor, INDEXED_AFTER, phases), data_version_bumped_once(cursor):
            write_all(cursor, plan, ref, ids, phases)
        with phases.phase("sequences and commit"):
            reset_sequences(cursor, BULK_TABLES)
    return phases.counts


@contextmanager
def data_version_bumped_once(cursor) -> Iterator[None]:
    """The data-version triggers (``core.data_version``) off while millions of rows are
    copied, and one bump for the whole load: cached reports are recomputed all the same."""
    tables = sorted(triggered_tables(cursor))
    for table in tables:
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {DATA_VERSION_TRIGGER}')
    yield
    for table in tables:
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER {DATA_VERSION_TRIGGER}')
    cursor.execute(f"SELECT nextval('{DATA_VERSION_SEQUENCE}')")


def write_all(cursor, plan: Plan, ref: Reference, ids: Ids, phases: Phases) -> None:
    rng = Dice(SEED + 1)
    with phases.phase("staff users") as counted:
        counted.update(write_staff(cursor, plan, ref, ids))
    with phases.phase("partners, contacts, m2m") as counted:
        counted.update(write_partners(cursor, plan, ref, ids, rng))
    engagement = write_engagement(cursor, plan, ids, rng, phases)
    with phases.phase("requests") as counted:
        counted.update(write_requests(cursor, plan, ref, ids, rng, engagement))
    with phases.phase("projects") as counted:
        counted.update(write_projects(cursor, plan, ref, ids, rng, phases))


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def print_sizes() -> None:
    with connection.cursor() as cursor:
        database = rows(cursor, "SELECT pg_size_pretty(pg_database_size(current_database()))")
        tables = rows(
            cursor,
            "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) "
            "FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 15",
        )
    print(f"database size: {database[0][0]}")
    for name, live, size in tables:
        print(f"  {name:<36} {live:>12,} rows  {size:>10}")


def scale_from_environment() -> Scale:
    factor = float(os.environ.get("BENCH_SCALE", "1"))
    return FULL_SCALE if factor == 1 else FULL_SCALE.scaled(factor)


def main() -> None:
    phases = Phases()
    with phases.phase("migrate and load_demo"):
        call_command("migrate", verbosity=0)
        if not bench_data_present():
            call_command("load_demo")
    if load(scale_from_environment(), phases) is None:
        print("The database already holds the bench data: nothing written.")
    with phases.phase("vacuum analyze"):
        vacuum_analyze()
    phases.total()
    print_sizes()


if __name__ == "__main__":
    main()
