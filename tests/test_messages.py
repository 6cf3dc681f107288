from jobscan.messages import LANGS, MESSAGES, choose_language


def test_every_message_exists_in_english_and_indonesian():
    for key, entry in MESSAGES.items():
        for lang in LANGS:
            assert entry.get(lang, "").strip(), f"{key} lacks {lang}"
        assert entry["en"] != entry["id"] or key in ("model_line", "report.total"), f"{key}: Indonesian is a copy of English"


def test_every_advice_entry_is_bilingual_and_dated():
    from jobscan.advice import channels

    for ch in channels():
        assert ch["what_en"].strip() and ch["what_id"].strip() and ch["what_en"] != ch["what_id"]
        if ch["country"] == "ID" or ch.get("origin") == "ID":  # entries shown to Indonesians speak Indonesian
            assert "name_id" in ch
            for english in ("from ", "formerly", "the ", "one source", "app "):
                assert english not in ch.get("contact_id", ch["contact"]), (ch["name"], english)
        assert ch["source"].startswith("http") and ch["source_date"] and ch["copied"]


def test_language_choice(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert choose_language("en", "id") == "en"
    assert choose_language(None, "id") == "id"
    assert choose_language(None, "ms") == "id"
    assert choose_language(None, "tl") == "en"
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert choose_language(None, "en") == "id"
