import pytest

from jobscan.money import amounts, bucket, monthly_usd
from jobscan.normalize import normalize_text


@pytest.mark.parametrize("text, low, high", [
    ("Gaji USD 1.000 - 1.500 per bulan", 1400, 1600),
    ("gaji 15jt/bulan", 800, 1100),
    ("RM 5,000 sebulan", 1000, 1200),
    ("PHP 45,000 monthly", 700, 900),
    ("月薪3万包机票", 3500, 4500),
    ("Rp 300rb per hari", 400, 600),  # daily pay becomes monthly
    ("$24,000 a year", 1900, 2100),
    ("月入一万五起，吃住全包", 1300, 1500),  # Chinese numerals: 一万 (the 五 thousand after it is not counted)
    ("一个月两万，机票报销", 2700, 2900),
    ("月入2w+ 包吃住", 2700, 2900),  # "w" for 万 after a pay word
    ("薪资：15000-25000人民币/月", 3400, 3600),
    ("月薪HK$25,000起", 3100, 3300),  # Hong Kong dollars, not US dollars
    ("เงินเดือน ๓๕,๐๐๐ บาท", 950, 1050),  # Thai digits
])
def test_amounts_become_monthly_usd(text, low, high):
    usd = monthly_usd(normalize_text(text))
    assert low <= usd <= high


def test_no_amount_and_buckets():
    assert monthly_usd(normalize_text("usia 18-35, tanpa pengalaman")) is None
    assert bucket(None) == "none"
    assert bucket(350) == "300_700"
    assert bucket(1200) == "700_1500"


@pytest.mark.parametrize("text, high", [
    ("gaji 9 juta per bulan", True),  # documented Indonesian scam pay starts around Rp 6-9 juta
    ("Gaji Rp 7.500.000/bulan", True),
    ("gaji 5 juta, sesuai UMR Jakarta", False),
    ("USD 650 a month", False),  # in dollars the bar stays at USD 700
    ("USD 800 a month", True),
    ("PHP 30,000 monthly", False),
    ("RM 3,500 sebulan, kedai makan Shah Alam", False),  # ordinary Kuala Lumpur pay is above USD 700
    ("gaji RM 5,500 sebulan di Kemboja", True),  # documented offers: RM 5,000-8,000
    ("เงินเดือน 25,000 บาท", False),
    ("เงินเดือน 35,000 บาท ที่พักฟรี", True),  # documented offer: THB 30,000
    ("综合工资5.5k-7k 包吃包住", False),  # an ordinary factory wage in a Chinese city
    ("月入过万，月薪12000元", True),
])
def test_high_pay_is_measured_against_the_home_norm(text, high):
    assert any(a.high for a in amounts(normalize_text(text))) is high


@pytest.mark.parametrize("text, pay", [
    ("Pass lại xe Vision 2020, giá 22tr có thương lượng", None),  # a second-hand sale: the price is no pay
    ("Dijual HP Samsung harga 3,5jt nego", None),
    ("លក់ម៉ូតូ Honda តម្លៃ 1450$ អាចចរចាបាន", None),
    ("harga tiket ditanggung, gaji 15 juta", (900, 1000)),  # a pay word after the price word
    ("nhân viên bán hàng lương 15 triệu", (550, 650)),  # a sales job's pay is pay
])
def test_a_price_is_not_pay(text, pay):
    usd = monthly_usd(normalize_text(text))
    assert usd is None if pay is None else pay[0] <= usd <= pay[1]
