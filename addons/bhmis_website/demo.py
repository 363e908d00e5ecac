# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo content of the public website, in English and Urdu: the
department's message, about the department, services, health programmes,
the 1129 cell, a few news items and a tender notice with its PDF.

Idempotent: re-loading creates nothing twice."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

# (slug, menu position, (English title, body), (Urdu title, body))
PAGES = [
    ('home', None,
        ("A message from the Health Department",
            "<p>The Health Department of Balochistan runs hospitals, "
            "rural health centres and basic health units across the "
            "province. This site tells you where they are, who is on duty "
            "today and which essential medicines are in stock, and lets "
            "you tell us when something goes wrong.</p>"),
        ("محکمہ صحت کا پیغام",
            "<p>محکمہ صحت بلوچستان پورے صوبے میں ہسپتال، دیہی مراکز صحت "
            "اور بنیادی مراکز صحت چلاتا ہے۔ یہ ویب سائٹ بتاتی ہے کہ یہ مراکز "
            "کہاں ہیں، آج کون ڈیوٹی پر ہے اور کون سی ضروری ادویات موجود "
            "ہیں، اور کچھ غلط ہو تو آپ ہمیں بتا سکتے ہیں۔</p>")),
    ('about', 10,
        ("About the department",
            "<h2>Who we are</h2><p>The Health Department of the Government "
            "of Balochistan is responsible for public health services in "
            "the province's districts, from the Directorate General of "
            "Health Services in Quetta to each basic health unit.</p>"
            "<h2>What we do</h2><ul><li>Run public hospitals and health "
            "facilities</li><li>Recruit and post doctors, nurses and "
            "paramedics</li><li>Supply essential medicines</li></ul>"),
        ("محکمہ کا تعارف",
            "<h2>ہم کون ہیں</h2><p>حکومتِ بلوچستان کا محکمہ صحت صوبے کے "
            "اضلاع میں عوامی صحت کی خدمات کا ذمہ دار ہے، کوئٹہ میں "
            "ڈائریکٹوریٹ جنرل ہیلتھ سروسز سے لے کر ہر بنیادی مرکز صحت "
            "تک۔</p><h2>ہم کیا کرتے ہیں</h2><ul><li>سرکاری ہسپتال اور "
            "مراکز صحت چلانا</li><li>ڈاکٹروں، نرسوں اور پیرامیڈکس کی "
            "بھرتی اور تعیناتی</li><li>ضروری ادویات کی فراہمی</li></ul>")),
    ('services', 20,
        ("Services",
            "<p>Outpatient care, emergency care, mother and child health, "
            "immunisation, family planning, and referral to district and "
            "teaching hospitals. Basic health units are open in the "
            "morning; district hospitals' emergencies are open day and "
            "night.</p>"),
        ("خدمات",
            "<p>او پی ڈی، ایمرجنسی، زچہ و بچہ کی صحت، حفاظتی ٹیکے، خاندانی "
            "منصوبہ بندی، اور ضلعی و تدریسی ہسپتالوں کو ریفرل۔ بنیادی مراکز "
            "صحت صبح کے وقت کھلے رہتے ہیں؛ ضلعی ہسپتالوں کی ایمرجنسی دن رات "
            "کھلی رہتی ہے۔</p>")),
    ('health-programmes', 30,
        ("Health programmes",
            "<ul><li><strong>Expanded Programme on Immunization "
            "(EPI)</strong>: free vaccines for children and pregnant "
            "women.</li><li><strong>Maternal, Newborn and Child Health"
            "</strong>: care before and after birth.</li><li><strong>TB, "
            "malaria and hepatitis control</strong>: free tests and "
            "treatment.</li></ul>"),
        ("صحت کے پروگرام",
            "<ul><li><strong>توسیعی پروگرام برائے حفاظتی ٹیکہ جات</strong>: "
            "بچوں اور حاملہ خواتین کے لیے مفت ٹیکے۔</li><li><strong>زچہ، "
            "نومولود اور بچوں کی صحت</strong>: پیدائش سے پہلے اور بعد کی "
            "دیکھ بھال۔</li><li><strong>ٹی بی، ملیریا اور ہیپاٹائٹس "
            "کنٹرول</strong>: مفت ٹیسٹ اور علاج۔</li></ul>")),
    ('complaint-cell-1129', 40,
        ("The 1129 complaint cell",
            "<p>Call <strong>1129</strong>, send an SMS or file a complaint "
            "on this site about staff absence, medicines not available, "
            "illegal fees or anything else. You get a tracking number; "
            "complaints are answered within 20 days, and you are asked "
            "whether you are satisfied.</p>"),
        ("1129 شکایت سیل",
            "<p>عملے کی غیر حاضری، ادویات کی عدم دستیابی، غیر قانونی فیس یا "
            "کسی اور مسئلے پر <strong>1129</strong> پر کال کریں، ایس ایم ایس "
            "بھیجیں یا اس ویب سائٹ پر شکایت درج کریں۔ آپ کو ٹریکنگ نمبر "
            "ملتا ہے؛ شکایات کا جواب 20 دن میں دیا جاتا ہے، اور آپ سے پوچھا "
            "جاتا ہے کہ کیا آپ مطمئن ہیں۔</p>")),
    ]
# (slug, kind, days ago, (English title, summary, body), (Urdu ...))
NEWS = [
    ('polio-campaign', 'news', 3,
        ("Polio campaign in all districts",
            "A five-day polio vaccination campaign starts on Monday.",
            "<p>Teams will visit every house. Children under five get two "
            "drops; make sure yours are vaccinated.</p>"),
        ("تمام اضلاع میں پولیو مہم",
            "پانچ روزہ انسداد پولیو مہم پیر سے شروع ہو رہی ہے۔",
            "<p>ٹیمیں ہر گھر جائیں گی۔ پانچ سال سے کم عمر بچوں کو دو قطرے "
            "پلائے جائیں گے؛ اپنے بچوں کو ضرور پلوائیں۔</p>")),
    ('dengue-advice', 'notice', 10,
        ("Dengue: what to do",
            "Cover water containers and see a doctor for a high fever.",
            "<p>Dengue spreads after the rains. Remove standing water, use "
            "nets, and go to the nearest facility if you have a high fever "
            "with pain behind the eyes.</p>"),
        ("ڈینگی: کیا کریں",
            "پانی کے برتن ڈھانپیں اور تیز بخار میں ڈاکٹر سے رجوع کریں۔",
            "<p>بارشوں کے بعد ڈینگی پھیلتا ہے۔ کھڑا پانی ختم کریں، مچھر دانی "
            "استعمال کریں، اور آنکھوں کے پیچھے درد کے ساتھ تیز بخار ہو تو "
            "قریبی مرکز صحت جائیں۔</p>")),
    ('new-bhus-open', 'news', 20,
        ("Twelve basic health units reopen",
            "Twelve BHUs closed for lack of staff reopen with doctors "
            "posted.",
            "<p>After this year's recruitment, twelve basic health units "
            "have a doctor and a lady health visitor again.</p>"),
        ("بارہ بنیادی مراکز صحت دوبارہ کھل گئے",
            "عملے کی کمی سے بند بارہ بی ایچ یوز ڈاکٹروں کی تعیناتی کے بعد "
            "دوبارہ کھل گئے۔",
            "<p>اس سال کی بھرتیوں کے بعد بارہ بنیادی مراکز صحت میں دوبارہ "
            "ڈاکٹر اور لیڈی ہیلتھ وزیٹر موجود ہیں۔</p>")),
    ('tender-medicines', 'tender', 5,
        ("Tender: essential medicines for district stores",
            "Sealed bids are invited for the supply of essential medicines.",
            "<p>Sealed bids are invited from registered suppliers for the "
            "supply of essential medicines to district stores. The tender "
            "document is attached.</p>"),
        ("ٹینڈر: ضلعی سٹوروں کے لیے ضروری ادویات",
            "ضروری ادویات کی فراہمی کے لیے سربمہر بولیاں طلب کی جاتی ہیں۔",
            "<p>ضلعی سٹوروں کو ضروری ادویات کی فراہمی کے لیے رجسٹرڈ سپلائرز "
            "سے سربمہر بولیاں طلب کی جاتی ہیں۔ ٹینڈر دستاویز منسلک ہے۔</p>")),
    ]


def pdf(text):
    "A one-page PDF saying text (ASCII)"
    stream = b'BT /F1 14 Tf 50 780 Td (%s) Tj ET' % text.encode('ascii')
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
        b'<< /Length %d >>\nstream\n%s\nendstream' % (len(stream), stream),
        ]
    out, offsets = bytearray(b'%PDF-1.4\n'), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n%s\nendobj\n' % (number, body)
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    for offset in offsets:
        out += b'%010d 00000 n \n' % offset
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, xref)
    return bytes(out)


def load(size, rng):
    pool = Pool()
    Page = pool.get('bhmis.web.page')
    News = pool.get('bhmis.web.news')
    Document = pool.get('bhmis.web.document')
    Date = pool.get('ir.date')
    if Page.search([], limit=1):
        return 0
    today = Date.today()
    with Transaction().set_context(language='en'):
        pages = Page.create([{
                    'slug': slug, 'menu_position': position,
                    'title': en[0], 'body': en[1],
                    'published_on': today - dt.timedelta(days=30),
                    } for slug, position, en, _ in PAGES])
        news = News.create([{
                    'slug': slug, 'kind': kind, 'title': en[0],
                    'summary': en[1], 'body': en[2],
                    'published_on': today - dt.timedelta(days=ago),
                    } for slug, kind, ago, en, _ in NEWS])
        tender, = [n for n in news if n.kind == 'tender']
        Document.create([{
                    'title': "Tender document: essential medicines",
                    'file_name': 'tender-essential-medicines.pdf',
                    'data': pdf("Tender: essential medicines"),
                    'news': tender.id,
                    }])
    with Transaction().set_context(language='ur'):
        for record, (_, _, _, ur) in zip(pages, PAGES):
            Page.write([record], {'title': ur[0], 'body': ur[1]})
        for record, (_, _, _, _, ur) in zip(news, NEWS):
            News.write([record], {'title': ur[0], 'summary': ur[1],
                    'body': ur[2]})
        for document in tender.documents:
            Document.write([document], {
                    'title': "ٹینڈر دستاویز: ضروری ادویات"})
    Page.publish(pages)
    News.publish(news)
    return len(pages) + len(news) + 1
