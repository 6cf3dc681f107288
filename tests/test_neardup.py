"""Repost clusters: signatures computed a chunk at a time, clusters assigned a chunk at a time,
the same as one by one, and an index that resumes where it stopped."""

import random

from jobscan import neardup
from jobscan.normalize import normalize_text

AD = ("Lowongan CS online di Phnom Penh, gaji USD 1.{n}00 per bulan, tiket & visa ditanggung, tanpa pengalaman, "
      "usia 18-35, berangkat minggu ini. Hubungi WA 0812-3456-78{n:02d} atau Telegram @hr_kh_{n}")
WORDS = ("kerja gaji bulan tiket visa admin online kantor bonus makan mess libur jam shift marketing "
         "lowongan pengalaman usia minggu hubungi segera cepat daftar syarat lulusan sma").split()


def posts(n: int, seed: int = 5) -> list[str]:
    """n posts of 40 random words: a third are reposts of an earlier post with a word changed."""
    rng = random.Random(seed)
    out: list[str] = []
    for k in range(n):
        if out and k % 3 == 0:
            words = rng.choice(out).split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        else:
            words = [rng.choice(WORDS) for _ in range(40)]
        out.append(" ".join(words))
    return out


def test_a_chunk_of_signatures_is_the_same_as_one_by_one():
    texts = [normalize_text(t) for t in posts(40)] + ["", "• – …", "one", "one two"]
    sigs = neardup.signatures(texts)
    assert sigs == [neardup.signature(t) for t in texts]
    assert sigs[-4] == sigs[-3] == neardup.EMPTY  # no words, no signature
    assert all(len(s) == neardup.SIG_BYTES for s in sigs[:40] + sigs[-2:])


def test_words_are_those_of_the_regex_with_digits_masked():
    assert neardup.words("gaji 2,5jt • “bonus” senin–jumat ok_ya") == ["gaji", "0", "0jt", "bonus", "senin", "jumat", "ok_ya"]


def test_reposts_with_small_edits_share_a_cluster_and_other_posts_do_not():
    texts = [AD.format(n=2), "Dijual motor Honda Beat 2019 mulus, pajak hidup, harga Rp 9 juta nego, COD Sleman",
             AD.format(n=7).replace("minggu ini", "segera"), "Dicari guru les privat matematika SMP, Depok, sore hari"]
    assert neardup.clusters(texts) == [0, 1, 0, 3]


def test_a_chunk_at_a_time_gives_the_clusters_of_one_at_a_time():
    sigs = neardup.signatures([normalize_text(t) for t in posts(300)])
    one = neardup.ClusterIndex()
    expected = [one.add(n, s) for n, s in enumerate(sigs, 1)]
    assert len(set(expected)) < 220  # reposts were found
    for size in (7, 100, 300):
        index = neardup.ClusterIndex()
        got = [c for k in range(0, len(sigs), size) for c in index.add_many(range(k + 1, k + 1 + len(sigs[k:k + size])),
                                                                             sigs[k:k + size])]
        assert got == expected, size


def test_a_reopened_index_resumes_where_it_stopped(tmp_path):
    sigs = neardup.signatures([normalize_text(t) for t in posts(200)])
    whole = neardup.ClusterIndex()
    expected = whole.add_many(range(1, 201), sigs)
    path = str(tmp_path / "index.sqlite")
    first = neardup.ClusterIndex(path)
    got = first.add_many(range(1, 151), sigs[:150])
    first.close()
    again = neardup.ClusterIndex(path)  # the scan was interrupted after row 120
    again.forget_from(121)
    got = got[:120] + again.add_many(range(121, 201), sigs[120:])
    assert got == expected
