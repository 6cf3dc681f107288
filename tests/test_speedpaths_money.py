"""The fast path of the money parser (rules tried only where their gate's literals or their number
can start) finds exactly what running every rule over the whole text finds."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobscan import money
from jobscan.contacts import SpanSet
from jobscan.normalize import normalize_text

from .conftest import TRAIN


def _reference_amounts(norm_text):
    """money.amounts as it was: every rule with finditer over the whole text."""
    found = []
    taken = SpanSet()
    for pattern, currency in money._RULES if money._DIGIT.search(norm_text) else ():
        for m in pattern.finditer(norm_text):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            value = money._number(m.group(1))
            if value is None:
                continue
            if money.is_price(norm_text, s):
                taken.add(s, e)
                continue
            mult = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            upper = money._RANGE.match(norm_text, e)
            if upper and money._number(upper.group(1)) and not mult:
                value = max(value, money._number(upper.group(1)) or 0)
                mult = upper.group(2)
                e = upper.end()
            value *= money._MULTIPLIER.get((mult or "").strip(), 1.0)
            usd = value * money.USD_PER[currency]
            tail = norm_text[e:e + 12]
            if money._PER_DAY.match(tail):
                usd *= 26
            elif money._PER_WEEK.match(tail):
                usd *= 4.3
            elif money._PER_YEAR.match(tail):
                usd /= 12
            if usd < 1:
                continue
            taken.add(s, e)
            found.append(money.Amount(usd, s, e, currency))
    for m in money._CJK_PAY.finditer(norm_text):  # then pay in Chinese numerals, where no rule took it
        value = money._cjk_number(m.group(1))
        s, e = m.start(1), m.end()
        if value is None or taken.overlaps(s, e):
            continue
        usd = value * money._MULTIPLIER[m.group(2)] * money.USD_PER["cny"]
        tail = norm_text[e:e + 12]
        usd *= 26 if money._PER_DAY.match(tail) else 4.3 if money._PER_WEEK.match(tail) else 1 / 12 if money._PER_YEAR.match(tail) else 1
        taken.add(s, e)
        found.append(money.Amount(usd, s, e, "cny"))
    found.sort(key=lambda a: a.start)
    return found


TOKENS = ["usd", "us$", "$", "dolar", "dollars", "rp", "rp.", "idr", "rm", "myr", "ringgit", "php", "p", "₱", "pesos",
          "thb", "฿", "baht", "บาท", "triệu", "tr", "vnd", "đồng", "月薪", "万", "萬", "元", "aed", "dirhams", "inr", "rs.",
          "₹", "lakh", "k", "rb", "ribu", "jt", "juta", "juta rupiah", "m", "million", "per", "/", "hari", "day", "week",
          "minggu", "year", "tahun", "-", "–", "to", "sampai", "s/d", "gaji", "kerja", "1", "15", "300", "1.000", "2,500",
          "1.200.000", "3.5", "24,000", "0812", "๓๐", "١٢", "x1", "a2",
          "hk$", "hkd", "人民币", "块", "w", "月入", "一个月", "工资", "一", "两", "五", "十", "千", "能"]
pieces = st.one_of(st.sampled_from(TOKENS), st.sampled_from([" ", " ", "", "  ", "\t", "\n", "\xa0"]), st.text(max_size=2))
texts = st.lists(pieces, max_size=30).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_amounts_equal_every_rule_everywhere(text):
    assert money.amounts(text) == _reference_amounts(text)
    norm = normalize_text(text)
    assert money.amounts(norm) == _reference_amounts(norm)


def test_amounts_equal_every_rule_everywhere_on_the_corpus():
    for line in TRAIN.read_text(encoding="utf-8").splitlines():
        norm = normalize_text(json.loads(line)["text"])
        assert money.amounts(norm) == _reference_amounts(norm)
