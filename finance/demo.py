"""DEMO-1's financial data: bank statements in four formats and a crypto export, generated
deterministically and imported through the same code path as an upload.

The story: Adriatic Freight Forwarding (director Dario Kovač) pays Nordwaffen Handels
for "machine parts", receives structured cash deposits below the reporting threshold,
pays its driver Goran Petrović and its director; the buyer Mila Stojanović pays a
darknet vendor in bitcoin. The freight company's statement and the director's own
bank export both show the salary payments (probable duplicates), a goAML STR repeats
the cash deposits, and the imported parties are suggested as the case's persons.
"""
import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile


SEED = 20260301
FREIGHT = "HR1210010051863000160"
DARIO = "HR3224020061100456789"
GORAN = "RS35160500000012345680"
MILA = "SI56191000000123438"
NORDWAFFEN = "AT442011182900012345"
CUSTOMERS = [("Balkan Agro Export d.o.o.", "HR5223400091110123456"), ("Dunav Trade d.o.o.", "HR2824840081105551234"),
             ("Müller Logistik GmbH", "DE89370400440532013000")]


def build_demo(demo):
    from finance.models import Import

    if Import.objects.filter(case=demo.case).exists():
        return
    rng = random.Random(SEED)
    analyst = demo.users["demo-analyst"]
    start = demo.today - timedelta(days=120)
    _fx_rates(demo, start)
    if not Import.objects.filter(case=demo.other_case).exists():
        # DEMO-2 already knows Nordwaffen's account: DEMO-1's import gets a deconfliction notice.
        _import(demo.other_case, demo.users["demo-outsider"], "broker-payments.csv", _broker_csv(start),
                source="Bank of Slovenia request", confirm=True)
    freight = _freight_camt(rng, start)
    camt_import = _import(demo.case, analyst, "adriatic-freight-camt053.xml", freight["xml"],
                          source="Jadranska banka d.d.")
    _import(demo.case, analyst, "kovac-personal-account.csv", _dario_csv(rng, start, freight["salaries"]),
            source="Erste&Steiermärkische Bank", profile_name="Erste Bank private account export",
            account=DARIO)
    _import(demo.case, analyst, "petrovic-statement.mt940", _goran_mt940(rng, start, freight["driver"]),
            source="Banca Intesa Beograd")
    _import(demo.case, analyst, "str-2026-0107.xml", _goaml(freight["cash"]), source="Jadranska banka d.d. (STR)")
    _import(demo.case, analyst, "darknet-wallets-btc.csv", _crypto_csv(rng, start), source="Chain analysis export")
    from finance import services
    services.import_release(imp=camt_import, by=analyst,
                            reason="FIU consent 2026/031: freight company statement released for evidential use.")
    demo.log.append("finance: 5 imports with bank statements (camt.053, CSV, MT940, goAML) and a BTC export")


def _import(case, user, name, data, *, source, profile_name="", account="", confirm=False):
    from finance import services

    upload = SimpleUploadedFile(name, data)
    imp = services.import_start(case=case, by=user, upload=upload, source_label=source, run_inline=True,
                                confirm=confirm, options={"account": account} if account else None)
    if imp.status == imp.Status.NEEDS_MAPPING:
        imp = services.import_confirm_mapping(imp=imp, by=user, mapping=imp.options["mapping"],
                                              decimal=imp.options.get("decimal", "."),
                                              date_format=imp.options.get("date_format", ""), account=account,
                                              profile_name=profile_name, run_inline=True)
    services.import_run(imp=imp, progress=lambda *a, **k: None)
    return imp


def _fx_rates(demo, start):
    from finance import services
    from finance.models import FxRate

    admin = demo.users["demo-admin"]
    for offset in range(0, 130, 7):
        on = start + timedelta(days=offset)
        for currency, rate in (("USD", Decimal("0.9210")), ("RSD", Decimal("0.008535")), ("CHF", Decimal("1.0620"))):
            if not FxRate.objects.filter(currency=currency, quote_currency="EUR", on=on).exists():
                services.fx_rate_set(by=admin, currency=currency, quote_currency="EUR", on=on,
                                     rate=rate + Decimal(offset % 5) / 1000, source="ECB reference rate (demo)")


def _amount(rng, low, high):
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _freight_camt(rng, start):
    entries, salaries, driver, cash = [], [], [], []
    day = start
    while day < start + timedelta(days=118):
        day += timedelta(days=rng.randint(0, 1))
        if day.weekday() >= 5:
            continue
        roll = rng.random()
        if roll < 0.35:
            name, iban = rng.choice(CUSTOMERS)
            entries.append(("CRDT", day, _amount(rng, 800, 9000), name, iban, f"Invoice {rng.randint(1000, 9999)} freight",
                            "RCDT"))
        elif roll < 0.5:
            amount = _amount(rng, 9200, 9950)  # just under the 10,000 reporting threshold
            entries.append(("CRDT", day, amount, "", "", "Cash deposit, Zagreb branch", "CDPT"))
            cash.append((day, amount))
        elif roll < 0.6:
            entries.append(("DBIT", day, _amount(rng, 14000, 31000), "Nordwaffen Handels GmbH", NORDWAFFEN,
                            f"Machine parts order {rng.randint(100, 999)}", "ICDT"))
        elif roll < 0.7:
            amount = _amount(rng, 900, 2400)
            entries.append(("DBIT", day, amount, "Goran Petrović", GORAN, "Driver expenses", "ICDT"))
            driver.append((day, amount))
        else:
            entries.append(("DBIT", day, _amount(rng, 40, 900), rng.choice(["INA d.d.", "HAC ENC", "Konzum plus d.o.o."]),
                            "", "Card payment", "CCRD"))
    for month in range(4):
        pay_day = start + timedelta(days=25 + 30 * month)
        if pay_day < start + timedelta(days=119):
            amount = Decimal("4850.00") + month * 150
            entries.append(("DBIT", pay_day, amount, "Dario Kovač", DARIO, "Director's fee", "ICDT"))
            salaries.append((pay_day, amount))
    entries.sort(key=lambda e: e[1])
    ntry = []
    for index, (ind, day, amount, name, iban, text, family) in enumerate(entries, start=1):
        role = "Dbtr" if ind == "CRDT" else "Cdtr"
        parties = ""
        if name:
            parties = f"<RltdPties><{role}><Nm>{_xml(name)}</Nm></{role}>" + (
                f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>" if iban else "") + "</RltdPties>"
        ntry.append(
            f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>JB-{index:05d}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{'CNTR' if family == 'CDPT' else 'RCDT'}</Cd>"
            f"<SubFmlyCd>{family}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{index:05d}</EndToEndId></Refs>{parties}"
            f"<RmtInf><Ustrd>{_xml(text)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>JB-STMT-{start:%Y%m}</MsgId><CreDtTm>{start + timedelta(days=120)}T23:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{FREIGHT}-{start:%Y%m}</Id><CreDtTm>{start + timedelta(days=120)}T23:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{FREIGHT}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>Adriatic Freight Forwarding d.o.o.</Nm></Ownr>"
        "<Svcr><FinInstnId><BIC>ZABAHR2X</BIC><Nm>Jadranska banka d.d.</Nm></FinInstnId></Svcr></Acct>"
        + "\n".join(ntry) + "</Stmt></BkToCstmrStmt></Document>")
    return {"xml": xml.encode(), "salaries": salaries, "driver": driver, "cash": cash}


def _xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _dario_csv(rng, start, salaries):
    rows = [["Datum knjiženja", "Datum valute", "Opis", "Primatelj/Platitelj", "IBAN primatelja", "Iznos", "Valuta"]]
    for day, amount in salaries:  # the same payments as in the company's statement
        rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "Director's fee", "Adriatic Freight Forwarding d.o.o.",
                     FREIGHT, _comma(amount), "EUR"])
    day = start
    while day < start + timedelta(days=118):
        day += timedelta(days=rng.randint(0, 2))
        roll = rng.random()
        if roll < 0.45:
            rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "Card payment " + rng.choice(["Lidl", "INA", "Zara", "Plodine"]),
                         "", "", _comma(-_amount(rng, 8, 250)), "EUR"])
        elif roll < 0.7:
            rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "ATM withdrawal", "", "", _comma(-_amount(rng, 100, 1000)),
                         "EUR"])
        elif roll < 0.8:
            rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "Transfer to crypto exchange", "Bitstamp Europe S.A.",
                         "LU280019400644750000", _comma(-_amount(rng, 500, 3000)), "EUR"])
        elif roll < 0.85:
            rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "Consulting", "Mila Stojanović", MILA,
                         _comma(_amount(rng, 300, 1500)), "EUR"])
        else:
            rows.append([f"{day:%d.%m.%Y}", f"{day:%d.%m.%Y}", "Online purchase", "Amazon EU S.a.r.l.", "",
                         _comma(-_amount(rng, 20, 400)), "USD"])
    header, body = rows[0], sorted(rows[1:], key=lambda r: (r[0][6:], r[0][3:5], r[0][:2]))
    return "\r\n".join(";".join(r) for r in [header, *body]).encode("utf-8")


def _comma(amount):
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'.'.join(groups)},{frac}"


def _goran_mt940(rng, start, driver):
    lines = [(day, "C", amount, "/ORDP/" + FREIGHT + "/ZABAHR2X/Adriatic Freight Forwarding d.o.o./REMI/Driver expenses")
             for day, amount in driver]
    day = start
    while day < start + timedelta(days=118):
        day += timedelta(days=rng.randint(3, 8))
        if rng.random() < 0.6:
            lines.append((day, "D", _amount(rng, 50, 600), "ATM withdrawal Novi Sad"))
        else:
            lines.append((day, "D", _amount(rng, 20, 200), "Card payment NIS Petrol"))
    lines.sort(key=lambda item: item[0])
    opening = Decimal("1250.00")
    balance = opening + sum((a if dc == "C" else -a) for _, dc, a, _ in lines)
    body = [":20:BIB-STMT-01", f":25:{GORAN}EUR", ":28C:00001/001", f":60F:C{start:%y%m%d}EUR{_mt(opening)}"]
    for index, (day, dc, amount, info) in enumerate(lines, start=1):
        kind = "NTRF" if info.startswith("/") else ("NCSH" if "ATM" in info else "NPOS")
        body += [f":61:{day:%y%m%d}{day:%m%d}{dc}{_mt(amount)}{kind}NONREF//BIB{index:06d}", f":86:{info}"]
    end = lines[-1][0] if lines else start
    body.append(f":62F:{'C' if balance >= 0 else 'D'}{end:%y%m%d}EUR{_mt(abs(balance))}")
    return ("{1:F01BINTRSBGAXXX0000000000}{2:I940BINTRSBGXXXXN}{4:\r\n" + "\r\n".join(body) + "\r\n-}").encode()


def _mt(amount):
    return f"{amount:.2f}".replace(".", ",")


def _goaml(cash):
    transactions = []
    for index, (day, amount) in enumerate(cash[:8], start=1):
        transactions.append(f"""  <transaction>
    <transactionnumber>STR107-{index:03d}</transactionnumber>
    <transaction_location>Zagreb branch</transaction_location>
    <transaction_description>Cash deposit below reporting threshold</transaction_description>
    <date_transaction>{day}T11:{10 + index:02d}:00</date_transaction>
    <transmode_code>BO</transmode_code>
    <transmode_comment>C</transmode_comment>
    <amount_local>{amount}</amount_local>
    <t_from>
      <from_funds_code>CASH</from_funds_code>
      <from_person>
        <gender>M</gender>
        <first_name>Dario</first_name>
        <last_name>Kovac</last_name>
        <birthdate>1984-03-02T00:00:00</birthdate>
        <passport_number>HR01234567</passport_number>
        <passport_country>HR</passport_country>
        <nationality1>HR</nationality1>
        <residence>HR</residence>
      </from_person>
      <from_country>HR</from_country>
    </t_from>
    <t_to>
      <to_funds_code>BANKD</to_funds_code>
      <to_account>
        <institution_name>Jadranska banka d.d.</institution_name>
        <swift>ZABAHR2X</swift>
        <non_bank_institution>false</non_bank_institution>
        <branch>Zagreb</branch>
        <account>1001005-1863000160</account>
        <currency_code>EUR</currency_code>
        <account_name>Adriatic Freight Forwarding d.o.o.</account_name>
        <iban>{FREIGHT}</iban>
        <personal_account_type>A</personal_account_type>
      </to_account>
      <to_country>HR</to_country>
    </t_to>
  </transaction>""")
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<report>
  <rentity_id>2340</rentity_id>
  <submission_code>E</submission_code>
  <report_code>STR</report_code>
  <entity_reference>STR-2026-0107</entity_reference>
  <submission_date>{cash[-1][0] if cash else date.today()}T16:00:00</submission_date>
  <currency_code_local>EUR</currency_code_local>
  <reporting_person>
    <gender>F</gender>
    <first_name>Ivana</first_name>
    <last_name>Babić</last_name>
    <nationality1>HR</nationality1>
    <residence>HR</residence>
    <occupation>MLRO</occupation>
  </reporting_person>
  <location>
    <address_type>BU</address_type>
    <address>Trg bana Jelačića 10</address>
    <city>Zagreb</city>
    <country_code>HR</country_code>
  </location>
  <reason>Repeated cash deposits just below the reporting threshold into a freight company's account.</reason>
  <action>Account under enhanced monitoring.</action>
{chr(10).join(transactions)}
  <report_indicators>
    <indicator>STRUC</indicator>
  </report_indicators>
</report>
""".encode()


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _btc_address(label: str) -> str:
    """A well-formed P2PKH address derived from a label (base58check)."""
    payload = b"\x00" + hashlib.sha256(label.encode()).digest()[:20]
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def _crypto_csv(rng, start):
    mila = [_btc_address(f"mila-{i}") for i in range(3)]
    vendor = _btc_address("vendor-hot-wallet")
    dario = [_btc_address(f"dario-{i}") for i in range(2)]
    exchange = _btc_address("exchange-deposit")
    rows = ["chain,tx_hash,block_time,side,address,value,fee"]
    for index in range(24):
        day = start + timedelta(days=4 * index + rng.randint(0, 3), hours=rng.randint(0, 23))
        tx = hashlib.sha256(f"demo-tx-{index}".encode()).hexdigest()
        fee = Decimal(rng.randint(800, 4000)) / 10 ** 8
        if index % 3 == 2:  # the vendor forwards to the director's wallets, then to an exchange
            value = Decimal(rng.randint(2_000_000, 9_000_000)) / 10 ** 8
            source, target = (vendor, rng.choice(dario)) if index % 2 else (rng.choice(dario), exchange)
        else:  # the buyer pays the darknet vendor
            value = Decimal(rng.randint(500_000, 3_000_000)) / 10 ** 8
            source, target = rng.choice(mila), vendor
        change = Decimal(rng.randint(10_000, 200_000)) / 10 ** 8
        stamp = f"{day:%Y-%m-%d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
        rows.append(f"btc,{tx},{stamp},in,{source},{value + change + fee:.8f},{fee:.8f}")
        rows.append(f"btc,{tx},{stamp},out,{target},{value:.8f},{fee:.8f}")
        rows.append(f"btc,{tx},{stamp},out,{source},{change:.8f},{fee:.8f}")
    return ("\n".join(rows) + "\n").encode()


def _broker_csv(start):
    day = start + timedelta(days=10)
    rows = ["Date,Account,Counterparty,Counterparty IBAN,Reference,Amount,Currency",
            f"{day},SI56191000123456707,Nordwaffen Handels GmbH,{NORDWAFFEN},Brokerage fee rifles lot 7,-12500.00,EUR"]
    return ("\n".join(rows) + "\n").encode()
