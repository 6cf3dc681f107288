"""Posts shared by the scan tests: a recruitment ad and an ordinary post, numbered by `n`."""

AD = ("Lowongan CS online di Phnom Penh, gaji USD 1.{n}00 per bulan, tiket & visa ditanggung, tanpa pengalaman, "
      "usia 18-35, berangkat minggu ini. Hubungi WA 0812-3456-78{n:02d} atau Telegram @hr_kh_{n}")
OTHER = "Dijual motor Honda Beat 2019 mulus, pajak hidup, harga Rp 9 juta nego, COD Sleman. Post {n}"
