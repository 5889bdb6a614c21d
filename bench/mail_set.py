#!/usr/bin/env python3
"""The mixed mail set of bench/mail.sh: ~20 mails shaped like what a support mailbox gets.

    bench/mail_set.py templates DIR [--corpus DIR]   writes DIR/NN.eml, the templates
    bench/mail_set.py expand TEMPLATES OUT N TAG      writes OUT/NNNNNN.eml, N mails

A template holds the word BENCHK wherever a mail must differ from one round of the set to
the next: in every Message-ID, In-Reply-To and References, and in the customers' addresses.
Replacing it by a round's tag (wrk's Lua script does, and `expand` does) gives a fresh set
of the same shape: new customers whose first mails open requests and are acknowledged,
and whose replies land on those requests. Without a new tag per round the mix would decay
into duplicates and customers past their daily cap of acknowledgements.

The mix (generated here, so the benchmark needs no files): plain English and French
(UTF-8 8bit, ISO-8859-1 quoted-printable, windows-1252, base64), RFC 2047 subjects,
multipart/alternative with HTML, HTML only, a small PDF and a small PNG attachment, an
inline image, a forwarded message, replies (In-Reply-To and References to earlier mails
of the set, quoted text), an out-of-office auto-reply and a newsletter (both automated: no
acknowledgement). With --corpus, up to 20 real mails from ../shared/corpus/mail (see
docs/mail-corpus.md) are added, their ids and sender tagged the same way.
"""

import base64
import os
import quopri
import re
import sys
import zlib

DATE = "Date: Wed, 18 Nov 2026 09:{:02d}:00 +0100\r\n"
TO = "To: Support <support@desk.example>\r\n"


def header_b(text, charset="utf-8"):
    return "=?{}?B?{}?=".format(charset, base64.b64encode(text.encode(charset)).decode())


def header_q(text):
    encoded = "".join(c if c.isascii() and c.isalnum() else "=%02X" % b for c in text
                      for b in c.encode("utf-8"))
    return "=?utf-8?Q?{}?=".format(encoded.replace("=20", "_"))


def qp(text, charset):
    return quopri.encodestring(text.replace("\n", "\r\n").encode(charset)).decode("ascii")


def b64(data):
    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def png(width=16, height=16):
    """A small valid PNG (a grey square), without an imaging library."""
    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    rows = b"".join(b"\x00" + bytes([128]) * width for _ in range(height))
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf():
    """A small one-page PDF, like a scanned delivery note (~2 kB)."""
    text = "Delivery note A-2026-18342. Parcel handed to carrier on 2026-11-02. " * 20
    stream = "BT /F1 10 Tf 40 780 Td ({}) Tj ET".format(text)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               "<< /Length {} >>\nstream\n{}\nendstream".format(len(stream), stream)]
    out = "%PDF-1.4\n"
    for i, o in enumerate(objects, 1):
        out += "{} 0 obj\n{}\nendobj\n".format(i, o)
    return (out + "trailer\n<< /Root 1 0 R >>\n%%EOF\n").encode()


def mid(name):
    return "<{}.BENCHK@mail.customer.example>".format(name)


def head(n, sender, subject, name, extra=""):
    return "From: {}\r\n{}Subject: {}\r\nMessage-ID: {}\r\n{}{}MIME-Version: 1.0\r\n".format(
        sender, TO, subject, mid(name), DATE.format(n), extra)


def reply_headers(*parents):
    refs = " ".join(mid(p) for p in parents)
    return "In-Reply-To: {}\r\nReferences: {}\r\n".format(mid(parents[-1]), refs)


ANN = "Ann Walker <ann.walker+BENCHK@customer.example>"
JEANNE = "=?utf-8?Q?Jeanne_Dupr=C3=A9?= <jeanne.dupre+BENCHK@client.example.fr>"
FRANCOIS = "=?iso-8859-1?Q?Fran=E7ois_L=E9ger?= <f.leger+BENCHK@orange.example.fr>"
OMAR = "Omar Haddad <omar.haddad+BENCHK@mail.example.com>"
LUCIE = "Lucie Martin <lucie.martin+BENCHK@free.example.fr>"
PETER = "Peter O'Neil <peter.oneil+BENCHK@outlook.example.com>"
CHLOE = "=?utf-8?B?Q2hsb8OpIEJlcm5hcmQ=?= <chloe.bernard+BENCHK@laposte.example.fr>"
SAM = "Sam Lee <sam.lee+BENCHK@gmail.example.com>"
SHOP = "Shop News <news+BENCHK@shop.example.com>"

EN_COMPLAINT = """Hello,

I ordered a coffee machine (order A-2026-18342) on 2 November and it has still not arrived.
The tracking page has said "in transit" for two weeks. Could you tell me where it is, or
send a replacement? I paid for express delivery.

Kind regards,
Ann Walker
"""

FR_COMPLAINT = """Bonjour,

J'ai reçu ma commande n° B-2026-00917 hier, mais l'écran de la tablette est fêlé et la boîte
était abîmée. Je souhaite un échange ou un remboursement, s'il vous plaît. Vous trouverez
ci-dessous le détail : « tablette 10 pouces, coloris gris, livrée le 17/11 ».

Merci d'avance pour votre aide, et très bonne journée.
Jeanne Dupré
"""

FR_LATIN1 = """Bonjour,

Je n'arrive plus à me connecter à mon espace client depuis la mise à jour : le message
« mot de passe erroné » s'affiche alors que je l'ai réinitialisé deux fois. Pourriez-vous
vérifier mon compte ? Numéro de client : 448 213.

Cordialement,
François Léger
"""


def multipart(boundary, kind, parts, extra=""):
    body = "Content-Type: multipart/{}; boundary=\"{}\"\r\n{}\r\nThis is a multi-part message in MIME format.\r\n".format(
        kind, boundary, extra)
    for p in parts:
        body += "\r\n--{}\r\n{}".format(boundary, p)
    return body + "\r\n--{}--\r\n".format(boundary)


def text_part(text, charset="utf-8", cte="8bit"):
    data = {"8bit": lambda: crlf(text), "quoted-printable": lambda: qp(text, charset),
            "base64": lambda: b64(crlf(text).encode(charset))}[cte]()
    return "Content-Type: text/plain; charset={}\r\nContent-Transfer-Encoding: {}\r\n\r\n{}".format(charset, cte, data)


def html_part(html, cte="quoted-printable"):
    data = qp(html, "utf-8") if cte == "quoted-printable" else b64(html.encode())
    return "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {}\r\n\r\n{}".format(cte, data)


def html_of(text):
    paras = "".join("<p>{}</p>\n".format(p.replace("\n", "<br>\n")) for p in text.strip().split("\n\n"))
    return ("<html><head><meta charset=\"utf-8\"><style>p{{font-family:Arial}}</style></head>"
            "<body>\n{}<div class=\"sig\">--<br>Sent from my phone</div></body></html>\n".format(paras))


def quoted(text):
    return "".join("> " + line + "\n" for line in text.strip().split("\n"))


def generated():
    """The mails, in the order wrk sends them (a reply after what it answers)."""
    m = []
    m.append(("ann-1", head(1, ANN, "Coffee machine never arrived (order A-2026-18342)", "ann-1")
              + text_part(EN_COMPLAINT)))
    m.append(("jeanne-1", head(2, JEANNE, header_q("Tablette reçue cassée : échange ou remboursement"), "jeanne-1",
                               "Content-Language: fr\r\n") + text_part(FR_COMPLAINT)))
    m.append(("francois-1", head(3, FRANCOIS, header_b("Problème de connexion à mon espace", "iso-8859-1"),
                                 "francois-1") + text_part(FR_LATIN1, "iso-8859-1", "quoted-printable")))
    m.append(("omar-1", head(4, OMAR, "Refund not received", "omar-1")
              + text_part("Hi,\n\nYou confirmed my return on 5 November but the refund of 89.90 EUR has not reached my "
                          "card yet.\nCould you check?\n\nThanks,\nOmar\n", "utf-8", "base64")))
    lucie_text = ("Bonjour,\n\nLe colis indiqué « livré » n'est jamais arrivé chez moi. Les voisins n'ont rien reçu.\n"
                  "Pouvez-vous ouvrir une enquête auprès du transporteur ?\n\nLucie Martin\n")
    m.append(("lucie-1", head(5, LUCIE, "Colis =?utf-8?Q?livr=C3=A9?= mais jamais =?utf-8?Q?re=C3=A7u?=", "lucie-1",
                              "Content-Language: fr\r\n")
              + multipart("alt-lucie", "alternative", [text_part(lucie_text, "utf-8", "quoted-printable"),
                                                        html_part(html_of(lucie_text))])))
    peter_text = ("Hello team,\n\nThe invoice for order C-2026-44120 shows the wrong VAT number. Our company is "
                  "Oneil Trading Ltd, VAT GB123456789.\nPlease send a corrected invoice.\n\nBest,\nPeter O'Neil\n"
                  "Purchasing manager\n")
    m.append(("peter-1", head(6, PETER, "Wrong VAT number on invoice", "peter-1")
              + html_part(html_of(peter_text), "base64")))
    chloe_text = ("Bonjour,\n\nVoici le bon de livraison signé : le carton était ouvert à la réception et il manque "
                  "deux articles.\n\nCordialement,\nChloé Bernard\n")
    m.append(("chloe-1", head(7, CHLOE, "Articles manquants - bon de livraison joint", "chloe-1")
              + multipart("mixed-chloe", "mixed", [
                  text_part(chloe_text),
                  "Content-Type: application/pdf; name=\"bon-livraison.pdf\"\r\nContent-Disposition: attachment; "
                  "filename=\"bon-livraison.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(pdf())])))
    sam_text = "Hi,\n\nThe blender arrived with a broken lid, photo attached.\n\nSam\n"
    m.append(("sam-1", head(8, SAM, "Broken lid", "sam-1")
              + multipart("mixed-sam", "mixed", [
                  multipart("alt-sam", "alternative", [text_part(sam_text), html_part(html_of(sam_text))]),
                  "Content-Type: image/png; name=\"lid.png\"\r\nContent-Disposition: attachment; filename=\"lid.png\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n" + b64(png())])))
    m.append(("ann-2", head(9, ANN, "Re: Coffee machine never arrived (order A-2026-18342)", "ann-2",
                            reply_headers("ann-1"))
              + text_part("Hello again,\n\nAny news? The carrier now says the parcel was returned to you.\n\nAnn\n\n"
                          "On 18 Nov 2026, Ann Walker wrote:\n" + quoted(EN_COMPLAINT))))
    m.append(("jeanne-2", head(10, JEANNE, "Re: " + header_q("Tablette reçue cassée : échange ou remboursement"),
                               "jeanne-2", reply_headers("jeanne-1") + "Content-Language: fr\r\n")
              + text_part("Bonjour,\n\nJe vous joins ma facture, j'espère une réponse rapide.\n\n"
                          "Le 18 nov. 2026 à 09:02, Jeanne Dupré a écrit :\n" + quoted(FR_COMPLAINT),
                          "utf-8", "quoted-printable")))
    m.append(("ann-auto", head(11, ANN, "Automatic reply: Coffee machine never arrived", "ann-auto",
                               "Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n" + reply_headers("ann-1"))
              + text_part("I am out of the office until 30 November with limited access to email.\n")))
    win = ("Bonjour,\n\nJ'ai été débité deux fois pour la commande D-2026-5521 (2 × 45,00 €). Merci de "
           "rembourser le double paiement.\n\nFrançois\n")
    m.append(("francois-2", head(12, FRANCOIS, "Double paiement", "francois-2")
              + "Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
              + "\x00WIN1252\x00" + win))
    long_text = EN_COMPLAINT + "\n".join(
        "Update {}: I called the carrier again today and was told to contact you, as the sender, because only the "
        "sender can open an investigation. This is the {} time I have been sent back and forth.".format(i, i)
        for i in range(1, 12)) + "\n\n--\nOmar Haddad\n+44 20 7946 0000\n"
    m.append(("omar-2", head(13, OMAR, "Re: Refund not received", "omar-2", reply_headers("omar-1"))
              + text_part(long_text)))
    inline_html = ("<html><body><p>Bonjour,</p><p>La photo du colis endommagé :</p>"
                   "<p><img src=\"cid:photo1@customer\" alt=\"colis\"></p><p>Lucie</p></body></html>\n")
    m.append(("lucie-2", head(14, LUCIE, "Re: Colis livré mais jamais reçu", "lucie-2", reply_headers("lucie-1"))
              + multipart("rel-lucie", "related", [
                  html_part(inline_html),
                  "Content-Type: image/png\r\nContent-ID: <photo1@customer>\r\nContent-Disposition: inline\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n" + b64(png(24, 24))])))
    fwd = ("From: Carrier <noreply@carrier.example>\r\nTo: peter.oneil@outlook.example.com\r\nSubject: Delivery failed\r\n"
           "Date: Tue, 17 Nov 2026 18:00:00 +0000\r\nMessage-ID: <fwd-carrier.BENCHK@carrier.example>\r\n\r\n"
           "We could not deliver your parcel 4410-22-9981. It will be returned to the sender.\r\n")
    m.append(("peter-2", head(15, PETER, "Fwd: Delivery failed", "peter-2")
              + multipart("mixed-peter", "mixed", [
                  text_part("See below: the carrier gave up. Please resend.\n\nPeter\n"),
                  "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + fwd])))
    m.append(("chloe-2", head(16, CHLOE, "Re: Articles manquants - bon de livraison joint", "chloe-2",
                              reply_headers("chloe-1") + "Content-Language: fr\r\n")
              + text_part("Bonjour,\n\nToujours pas de réponse… Pouvez-vous me rappeler au 06 12 34 56 78 ?\n\n"
                          "Chloé\n", "utf-8", "base64")))
    m.append(("shop-news", head(17, SHOP, "Black Friday: -40% on everything", "shop-news",
                                "Precedence: bulk\r\nList-Id: Shop News <news.shop.example.com>\r\n"
                                "List-Unsubscribe: <mailto:unsubscribe@shop.example.com>\r\n")
              + multipart("alt-news", "alternative", [
                  text_part("Black Friday starts now. Up to 40% off until Monday.\n"),
                  html_part("<html><body><h1>Black Friday</h1><table><tr><td>Up to 40% off</td></tr></table>"
                            "<a href=\"https://shop.example.com/bf\">Shop now</a></body></html>\n")])))
    m.append(("sam-2", head(18, SAM, "Re: Broken lid", "sam-2", reply_headers("sam-1")) + text_part(
        "Also the motor makes a grinding noise. I would rather have a refund.\n\nSam\n\n" + quoted(sam_text))))
    m.append(("ann-3", head(19, ANN, "Re: Re: Coffee machine never arrived (order A-2026-18342)", "ann-3",
                            reply_headers("ann-1", "ann-2"))
              + text_part("Thanks, the replacement arrived today. You can close this.\n\nAnn\n")))
    m.append(("jeanne-3", head(20, JEANNE, header_b("Question sur la garantie"), "jeanne-3",
                               "Content-Language: fr\r\n")
              + text_part("Bonjour,\n\nLa garantie couvre-t-elle la batterie au-delà d'un an ? Merci.\n\nJeanne\n",
                          "utf-8", "quoted-printable")))
    return m


def encode(raw):
    """Bytes of a generated mail; the windows-1252 one carries a marker for its body."""
    if "\x00WIN1252\x00" in raw:
        headers, body = raw.split("\x00WIN1252\x00")
        return headers.encode("ascii") + crlf(body).encode("windows-1252")
    return raw.encode("utf-8")


ID_HEADER = re.compile(rb"^(message-id|in-reply-to|references):(.*(?:\r?\n[ \t].*)*)", re.I | re.M)
FROM_HEADER = re.compile(rb"^from:(.*)$", re.I | re.M)


def tag_corpus_mail(data):
    """A corpus mail made into a template: its ids and its sender get BENCHK."""
    head_end = re.search(rb"\r?\n\r?\n", data)
    if not head_end:
        return None
    header, body = data[:head_end.start()], data[head_end.start():]
    if not re.search(rb"^message-id:", header, re.I | re.M) or not FROM_HEADER.search(header):
        return None
    # An id without "@" (they exist) is tagged at its end, or it would repeat every round.
    tag_id = lambda m: b"<" + m.group(1) + b".BENCHK" + (m.group(2) or b"") + b">"
    header = ID_HEADER.sub(lambda m: m.group(1) + b":" + re.sub(rb"<([^<>@]*)(@[^<>]*)?>", tag_id, m.group(2)), header)
    header = FROM_HEADER.sub(lambda m: b"From:" + re.sub(rb"([\w.+-]+)@", rb"\1+BENCHK@", m.group(1), count=1),
                             header, count=1)
    return header + body


def corpus_mails(corpus, limit=20):
    """Up to `limit` corpus mails, spread over the corpus, skipping bounces, huge and sender-less ones."""
    paths = []
    for root, _, files in os.walk(corpus):
        paths += [os.path.join(root, f) for f in files if f.endswith((".box", ".eml"))]
    paths.sort()
    picked = []
    step = max(1, len(paths) // (limit * 2))
    for path in paths[::step]:
        data = open(path, "rb").read()
        if len(data) > 200_000 or re.search(rb"multipart/report|mailer-daemon|postmaster", data[:4000], re.I):
            continue
        tagged = tag_corpus_mail(data)
        if tagged:
            picked.append((os.path.basename(path), tagged))
        if len(picked) == limit:
            break
    return picked


def main(argv):
    if len(argv) >= 2 and argv[0] == "templates":
        out = argv[1]
        os.makedirs(out, exist_ok=True)
        mails = [(name, encode(raw)) for name, raw in generated()]
        if len(argv) == 4 and argv[2] == "--corpus" and os.path.isdir(argv[3]):
            mails += corpus_mails(argv[3])
        for i, (_, data) in enumerate(mails, 1):
            with open(os.path.join(out, "%02d.eml" % i), "wb") as f:
                f.write(data)
        print(len(mails))
    elif len(argv) == 5 and argv[0] == "expand":
        templates, out, n, tag = argv[1], argv[2], int(argv[3]), argv[4]
        os.makedirs(out, exist_ok=True)
        names = sorted(os.listdir(templates))
        texts = [open(os.path.join(templates, t), "rb").read() for t in names]
        for i in range(n):
            round_tag = "{}r{}".format(tag, i // len(texts)).encode()
            with open(os.path.join(out, "%06d.eml" % i), "wb") as f:
                f.write(texts[i % len(texts)].replace(b"BENCHK", round_tag))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
