"""Pay amounts in an ad, parsed into one comparable figure: US dollars per month.

Works on normalised text (see `normalize`). Rates are fixed, rounded, and only need to be right
to within a factor that does not move an amount across the buckets below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .contacts import SpanSet
from .literals import MAX_ANCHORS, LiteralSet, gate, gated_matches, width

USD_PER = {"usd": 1.0, "idr": 1 / 16000, "myr": 1 / 4.5, "php": 1 / 57, "thb": 1 / 35, "vnd": 1 / 25000,
           "cny": 1 / 7.2, "aed": 1 / 3.67, "inr": 1 / 84, "khr": 1 / 4100, "mmk": 1 / 2100, "twd": 1 / 32,
           "hkd": 1 / 7.8}
# Bucket edges in USD/month: "far above home norm" starts around 700 for the audiences served.
BUCKETS = (("none", None), ("lt300", 300), ("300_700", 700), ("700_1500", 1500), ("1500_3000", 3000), ("ge3000", float("inf")))
HIGH_PAY_USD = 700.0
MAX_PAY_USD = 50_000.0  # a monthly figure above this is not plausible pay (monthly_usd and Amount.high ignore it)
# "Far above the home norm" in the currency of the home: where the norm is far lower, the bar is lower;
# where ordinary local pay already exceeds USD 700, higher. From the offers documented in indicators.md 1.1:
# - idr: scam pay Rp 6-18 juta against regional minimum wages of Rp 2-5.4 juta, so from Rp 7 juta;
# - myr: "RM 5,000-8,000" (Bukit Aman), while USD 700 is about RM 3,150, ordinary pay in Kuala Lumpur;
# - thb: "THB 30,000" (IOM), while USD 700 is about THB 24,500, ordinary Bangkok office pay;
# - cny: "月薪3万", and the lure "月入过万" (over ten thousand), while USD 700 is about CNY 5,000, an
#   ordinary factory or restaurant wage in Chinese cities; so from CNY 10,000.
HIGH_PAY_LOCAL = {"idr": 7_000_000, "myr": 5_000, "thb": 30_000, "cny": 10_000}
_HIGH_PAY_USD = {cur: local * USD_PER[cur] for cur, local in HIGH_PAY_LOCAL.items()}

# A number starts where a run of digits starts, and has at most five groups of thousands: without
# these two limits a long run of digits ("0812…" x 100,000) makes each pattern quadratic.
_NUM = r"(?<!\d)(\d{1,3}(?:[.,]\d{3}){1,5}|\d+(?:[.,]\d+)?)"
_MULT = r"\s?(k|rb|ribu|jt|juta|jeti|m|million|juta rupiah|lakh|lakhs|triệu|tr|万|萬|千|ribu rupiah)?"
# (pattern, currency, multiplier-group position)
_RULES: list[tuple[re.Pattern[str], str]] = [
    # before "$": HK$ is no US$ (normalised, "hk$" reads "hks", like any "$" after a letter)
    (re.compile(r"(?:hk\$|hks|hkd|港币|港幣|港元)\s?" + _NUM + _MULT), "hkd"),
    (re.compile(_NUM + _MULT + r"\s?(?:hkd|港币|港幣|港元|港紙)"), "hkd"),
    (re.compile(r"(?<!hk)(?:usd|us\$|\$|dolar|dollar|美金|美元)\s?" + _NUM + _MULT), "usd"),
    (re.compile(_NUM + _MULT + r"\s?(?:usd|dolar|dollars?|\$|美金|美元|刀|đô)"), "usd"),
    (re.compile(r"(?:rp\.?|idr)\s?" + _NUM + _MULT), "idr"),
    (re.compile(_NUM + r"\s?(jt|juta|jeti)(?![a-z])"), "idr"),
    (re.compile(r"(?:rm|myr)\s?" + _NUM + _MULT), "myr"),
    (re.compile(_NUM + _MULT + r"\s?(?:ringgit|myr)"), "myr"),
    (re.compile(r"(?:php|₱|p)\s?" + _NUM + _MULT + r"(?!\w)"), "php"),
    (re.compile(_NUM + _MULT + r"\s?(?:pesos?|php)"), "php"),
    (re.compile(r"(?:thb|฿)\s?" + _NUM + _MULT), "thb"),
    (re.compile(_NUM + _MULT + r"\s?(?:baht|บาท|thb)"), "thb"),
    (re.compile(_NUM + r"\s?(triệu|tr)(?!\w)"), "vnd"),
    (re.compile(_NUM + r"\s?(?:đồng|vnd|vnđ)"), "vnd"),
    (re.compile(r"(?:月薪|月入|薪资|薪水|工资|底薪)\s?" + _NUM + r"\s?(万|萬|千|k|w)?"), "cny"),  # "月入2w": w for 万
    (re.compile(_NUM + r"\s?(万|萬)\s?(?:元|块|人民币)?"), "cny"),
    (re.compile(_NUM + r"\s?(k|千)?\s?(?:元|块|人民币|rmb)"), "cny"),
    (re.compile(r"(?:aed|dirham)\s?" + _NUM + _MULT), "aed"),
    (re.compile(_NUM + _MULT + r"\s?(?:aed|dirhams?)"), "aed"),
    (re.compile(r"(?:inr|rs\.?|₹)\s?" + _NUM + _MULT), "inr"),
    (re.compile(_NUM + r"\s?(lakh|lakhs)"), "inr"),
]
_MULTIPLIER = {"w": 1e4, "k": 1e3, "rb": 1e3, "ribu": 1e3, "ribu rupiah": 1e3, "jt": 1e6, "juta": 1e6, "jeti": 1e6, "juta rupiah": 1e6,
               "m": 1e6, "million": 1e6, "lakh": 1e5, "lakhs": 1e5, "triệu": 1e6, "tr": 1e6, "万": 1e4, "萬": 1e4, "千": 1e3}
_PER_DAY = re.compile(r"^\s?(?:/|per|se|a|an)?\s?(?:hari|day|daily|harian|araw|ngày|วัน|天|日)")
_PER_WEEK = re.compile(r"^\s?(?:/|per|se|a)?\s?(?:minggu|week|weekly|linggo|tuần|สัปดาห์|周)")
_PER_YEAR = re.compile(r"^\s?(?:/|per|se|a)?\s?(?:tahun|year|yearly|annum|taon|năm|ปี|年)")


# An amount right after a price word is what something costs, not pay ("giá 22tr", "harga 5jt nego",
# "តម្លៃ 1450$": second-hand sales), unless a pay word comes between ("harga tiket ditanggung, gaji 15jt").
_PRICE_BEFORE = re.compile(r"(?:\b(?:harga|hrg|dijual|price|prices|priced|for sale|giá|presyo)\b|ราคา|价格|價格|售价|售價|តម្លៃ)"
                           r"[^\d]{0,12}$")
_PAY_WORD = re.compile(r"gaji|salary|lương|sweldo|sahod|upah|\bpay\b|income|earn|薪|工资|工資|เงินเดือน|ប្រាក់ខែ")


def is_price(norm_text: str, start: int) -> bool:
    """Whether the amount starting at `start` is a price (see _PRICE_BEFORE)."""
    before = norm_text[max(0, start - 24):start]
    m = _PRICE_BEFORE.search(before)
    return m is not None and not _PAY_WORD.search(before, m.start())


_RANGE = re.compile(r"\s?(?:-|–|~|to|sampai|hingga|sd|s/d)\s?" + _NUM + _MULT)


@dataclass(frozen=True)
class Amount:
    usd_month: float
    start: int
    end: int
    currency: str = "usd"

    @property
    def high(self) -> bool:
        """Far above the home norm of the people the currency's ads reach (the HIGH_PAY flag)."""
        return _HIGH_PAY_USD.get(self.currency, HIGH_PAY_USD) <= self.usd_month <= MAX_PAY_USD


_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


# Pay in Chinese numerals after a pay word ("月入一万五起", "一个月两万"): no digit, so not a _RULES rule.
_CJK_PAY = re.compile(r"(?:月薪|月入|薪资|薪水|工资|底薪|人工|一个月|一個月|每个月|每個月|每月)\s?(?:能|可以|有)?\s?"
                      r"([一二两兩三四五六七八九十]{1,3})\s?(万|萬|千)")
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cjk_number(raw: str) -> float | None:
    """A number below 100 in Chinese numerals ("五", "十五", "二十", "两"), else None."""
    tens, _, units = raw.partition("十")
    if not _:
        return float(_CJK_DIGITS[raw]) if raw in _CJK_DIGITS else None
    if (tens and tens not in _CJK_DIGITS) or (units and units not in _CJK_DIGITS):
        return None
    return float(10 * (_CJK_DIGITS[tens] if tens else 1) + (_CJK_DIGITS[units] if units else 0))


def _number(raw: str) -> float | None:
    raw = raw.strip()
    if _THOUSANDS.fullmatch(raw):
        return float(raw.replace(".", "").replace(",", ""))
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


_DIGIT = re.compile(r"\d")
# Every match of a rule has a number, which starts where a run of digits starts ((?<!\d) in _NUM):
# a rule whose gate does not say where a match starts (its literal comes after the number) is
# tried there.
_DIGIT_RUN = re.compile(r"\d+")
_PERIOD = re.compile("|".join(f"(?P<{name}>{rx.pattern})" for name, rx in (("day", _PER_DAY), ("week", _PER_WEEK), ("year", _PER_YEAR))))


@lru_cache(maxsize=1)
def _prefilter():
    """The literals of the rules' gates; for each, the rules it unlocks, as (rule, shift: a
    match can start no earlier than the end of the literal minus the shift); for each rule, its
    gate's spread (None: no gate) and the least and most offset of its number in a match."""
    unlocks: dict[str, list[tuple[int, int]]] = {}
    plan = []
    for k, (pattern, _) in enumerate(_RULES):
        g = gate(pattern.pattern)
        for lit in g.literals if g else ():
            unlocks.setdefault(lit, []).append((k, len(lit) - 1 + g.hi))
        plan.append((g.hi - g.lo if g else None, width(pattern.pattern[:pattern.pattern.index(_NUM)])))
    lits = LiteralSet(unlocks, spaces_folded=True)
    return lits, [tuple(unlocks[lit]) for lit in lits.literals], tuple(plan)


def _rule_matches(norm_text: str, first_digit: int) -> Iterator[tuple[re.Match[str], str]]:
    """(match, currency) of every rule in order, each rule's as `finditer` finds them."""
    lits, unlocks, plan = _prefilter()
    near = lits.starts(norm_text, unlocks, {k: [] for k, (spread, _) in enumerate(plan) if spread is None})
    digit_runs = None
    for k in sorted(near):
        pattern, currency = _RULES[k]
        starts, (spread, (lo, hi)) = near[k], plan[k]
        if spread is None or (spread > MAX_ANCHORS and hi - lo < MAX_ANCHORS):
            if digit_runs is None:
                digit_runs = [m.start() for m in _DIGIT_RUN.finditer(norm_text, first_digit)]
            starts, spread = [d - hi for d in digit_runs], hi - lo
        for m in gated_matches(pattern, norm_text, starts, spread):
            yield m, currency


def _per_month(usd: float, norm_text: str, end: int) -> float:
    """`usd` as a monthly figure, given the period word (if any) right after the amount."""
    period = _PERIOD.match(norm_text[end:end + 12])
    if period and period.lastgroup == "day":
        return usd * 26
    if period and period.lastgroup == "week":
        return usd * 4.3
    return usd / 12 if period else usd


def _cjk_amounts(norm_text: str, taken: SpanSet) -> list[Amount]:
    found = []
    for m in _CJK_PAY.finditer(norm_text):
        value = _cjk_number(m.group(1))
        s, e = m.span(1)[0], m.end()
        if value is None or taken.overlaps(s, e):
            continue
        usd = _per_month(value * _MULTIPLIER[m.group(2)] * USD_PER["cny"], norm_text, e)
        taken.add(s, e)
        found.append(Amount(usd, s, e, "cny"))
    return found


def amounts(norm_text: str) -> list[Amount]:
    """Every pay amount found, converted to USD per month, with its span in `norm_text`."""
    found: list[Amount] = []
    taken = SpanSet()
    cjk = "万" in norm_text or "萬" in norm_text or "千" in norm_text  # pay in Chinese numerals is possible
    digit = _DIGIT.search(norm_text)
    if not digit:
        return _cjk_amounts(norm_text, taken) if cjk else found
    for m, currency in _rule_matches(norm_text, digit.start()):
        s, e = m.span()
        if taken.overlaps(s, e):
            continue
        value = _number(m.group(1))
        if value is None:
            continue
        if is_price(norm_text, s):
            taken.add(s, e)
            continue
        mult = m.group(2) if m.lastindex and m.lastindex >= 2 else None
        upper = _RANGE.match(norm_text, e)
        if upper and _number(upper.group(1)) and not mult:
            # "USD 1.000 - 1.500": the range's upper end, in the same unit
            value = max(value, _number(upper.group(1)) or 0)
            mult = upper.group(2)
            e = upper.end()
        value *= _MULTIPLIER.get((mult or "").strip(), 1.0)
        usd = _per_month(value * USD_PER[currency], norm_text, e)
        if usd < 1:
            continue
        taken.add(s, e)
        found.append(Amount(usd, s, e, currency))
    if cjk:
        found += _cjk_amounts(norm_text, taken)
    found.sort(key=lambda a: a.start)
    return found


def monthly_usd(norm_text: str, found: list[Amount] | None = None) -> float | None:
    """The highest plausible monthly pay in the text (amounts above USD 50,000 are ignored)."""
    vals = [a.usd_month for a in (amounts(norm_text) if found is None else found) if a.usd_month <= MAX_PAY_USD]
    return max(vals) if vals else None


def bucket(usd: float | None) -> str:
    if usd is None:
        return "none"
    for name, edge in BUCKETS[1:]:
        if usd < edge:
            return name
    return BUCKETS[-1][0]
