from jobscan.contacts import extract_contacts, normalise_phone, redact


def test_phone_formats_are_normalised():
    assert normalise_phone("0812-3456-7890") == "+6281234567890"
    assert normalise_phone("+855 12 345 678") == "+85512345678"
    assert normalise_phone("+63 917 123 4567") == "+639171234567"
    assert normalise_phone("0063 917 123 4567") == "+639171234567"
    assert normalise_phone("2024") is None


def test_extract_contacts_with_spans():
    text = "Hubungi WA 0812 3456 7890 atau t.me/HR_Lina, email rekrut@gmail.com, wa.me/6281299998888 @kerja_kh"
    found = extract_contacts(text)
    values = {(c["kind"], c["value"]) for c in found}
    assert ("phone", "+6281234567890") in values
    assert ("telegram_link", "@hr_lina") in values
    assert ("email", "rekrut@gmail.com") in values
    assert ("whatsapp_link", "wa.me/6281299998888") in values
    assert ("handle", "@kerja_kh") in values
    for c in found:
        assert text[c["start"]:c["end"]] == c["text"]


def test_redact_masks_every_contact():
    text = "DM @hr_x or +62 812 3456 7890"
    assert redact(text) == "DM [handle] or [phone]"
