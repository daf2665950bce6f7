"""Normalising and validating what people type: credit codes, standard numbers, GB/T 4754 codes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from benchmarking.choices import StandardKind
from benchmarking.models import Enterprise, Industry, Standard
from benchmarking.validators import (
    YONGKANG_REGION_CODE,
    credit_code_check_character,
    credit_code_check_passes,
    credit_code_region,
    credit_code_region_note,
    national_platform_host,
    normalize_credit_code,
    normalize_industry_code,
    normalize_scheme_code,
    normalize_standard_number,
    standard_kind_for,
    strip_invisible,
    validate_credit_code,
    validate_credit_code_format,
    validate_industry_code,
    validate_national_platform_url,
    validate_standard_number,
)
from tests.factories import BranchOfficeFactory, EnterpriseFactory, IndustryFactory, make_credit_code

GOOD_CODES = ["91110000600037341L", "91350200MA2YJ1XR9G", "91440101MA5CJQ4N59", "913502000728319549"]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def full_width(text: str) -> str:
    """The same text in full-width characters, as a Chinese IME types it (０-９, Ａ-Ｚ, ａ-ｚ)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def pasted_variants(code: str) -> dict[str, str]:
    """The ways people paste one code: with spaces, in lower case, in full-width characters."""
    return {
        "spaced": " " + " ".join(code[i : i + 4] for i in range(0, len(code), 4)) + "\t\n",
        "ideographic spaces": "\u3000" + code[:6] + "\u3000" + code[6:] + "\u3000",
        "lower case": code.lower(),
        "full-width": full_width(code),
        "full-width lower case": full_width(code.lower()),
        "full-width spaced": full_width(code[:9]) + "\u3000" + full_width(code[9:].lower()),
    }


def verdict(value: str) -> tuple[str | None, list[str]]:
    """(error code, messages) of ``validate_credit_code``; (None, []) when it passes."""
    try:
        validate_credit_code(value)
    except ValidationError as error:
        return error.code, error.messages
    return None, []


def replace_at(code: str, position: int, char: str) -> str:
    """``code`` with its 1-based ``position`` replaced by ``char``."""
    return code[: position - 1] + char + code[position:]


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", GOOD_CODES)
def test_known_good_credit_codes_pass(code):
    validate_credit_code(code)  # raises on failure
    assert credit_code_check_passes(code)
    assert credit_code_check_character(code[:17]) == code[-1]


def test_check_character_follows_the_gb32100_formula():
    # Worked by hand from docs/domain.md: weights 3^(i-1) mod 31, check = (31 - sum mod 31) mod 31.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91350200MA2YJ1XR9"
    total = sum(alphabet.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    assert credit_code_check_character(first17) == alphabet[(31 - total % 31) % 31] == "G"


@pytest.mark.parametrize("code", GOOD_CODES)
def test_wrong_check_character_fails_naming_the_expected_one(code):
    wrong = "0" if code[-1] != "0" else "1"
    bad = code[:17] + wrong
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(bad)
    error = excinfo.value
    assert error.code == "credit_code_check"
    message = error.messages[0]
    assert "校验位不正确" in message
    assert f"第 18 位应为「{code[-1]}」" in message
    assert f"实际为「{wrong}」" in message
    assert not credit_code_check_passes(bad)
    # The format alone is fine: only the check character is wrong (what staff may override).
    validate_credit_code_format(bad)


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [5, 11, 18])
def test_forbidden_letters_fail_naming_the_letter(letter, position):
    bad = replace_at(GOOD_CODES[0], position, letter)
    for validator in (validate_credit_code_format, validate_credit_code):
        with pytest.raises(ValidationError) as excinfo:
            validator(bad)
        assert excinfo.value.code == "credit_code_forbidden_letter"
        message = excinfo.value.messages[0]
        assert "不使用字母 I、O、S、V、Z" in message
        assert f"「{letter}」" in message


def test_other_characters_fail_with_the_alphabet_message():
    bad = replace_at(GOOD_CODES[0], 9, "#")
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(bad)
    assert excinfo.value.code == "credit_code_character"
    assert "只能包含数字和大写字母" in excinfo.value.messages[0]
    assert "「#」" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("value", "length"),
    [(GOOD_CODES[0][:17], 17), (GOOD_CODES[0] + "1", 19), ("", 0)],
)
def test_wrong_length_fails_with_both_lengths_in_the_message(value, length):
    for validator in (validate_credit_code_format, validate_credit_code):
        with pytest.raises(ValidationError) as excinfo:
            validator(value)
        assert excinfo.value.code == "credit_code_length"
        message = excinfo.value.messages[0]
        assert "应为 18 位" in message
        assert f"当前为 {length} 位" in message


# Every case above, as canonical input: its verdict must not change however it is pasted.
VERDICT_CASES = [
    *GOOD_CODES,
    GOOD_CODES[0][:17] + "A",  # wrong check character
    *(replace_at(GOOD_CODES[1], 11, letter) for letter in "IOSVZ"),
    GOOD_CODES[2][:17],  # 17 characters
    GOOD_CODES[3] + "7",  # 19 characters
]


@pytest.mark.parametrize("code", VERDICT_CASES)
def test_pasted_spellings_get_the_same_verdict(code):
    expected = verdict(code)
    for how, pasted in pasted_variants(code).items():
        assert verdict(pasted) == expected, how
        assert normalize_credit_code(pasted) == code.upper(), how


def test_good_codes_pass_however_pasted():
    for code in GOOD_CODES:
        for how, pasted in pasted_variants(code).items():
            assert verdict(pasted) == (None, []), how


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("91110000600037341L", "91110000600037341L"),
        ("91110000600037341l", "91110000600037341L"),
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        ("\t91110000\n600037341L\r\n", "91110000600037341L"),
        ("９１１１００００６０００３７３４１ｌ", "91110000600037341L"),
        ("９１３５０２００ＭＡ２ＹＪ１ＸＲ９Ｇ", "91350200MA2YJ1XR9G"),
        ("9135\u30000200\u3000ma2yj1xr9g", "91350200MA2YJ1XR9G"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_credit_code(raw, normalised):
    assert normalize_credit_code(raw) == normalised


# ---------------------------------------------------------------------------
# Enterprise: the credit code at model level
# ---------------------------------------------------------------------------


@pytest.fixture
def office(db):
    return BranchOfficeFactory()


@pytest.fixture
def industry(db):
    return IndustryFactory()


def new_enterprise(office, industry, credit_code, **kwargs) -> Enterprise:
    return Enterprise(
        name="永康测试企业", credit_code=credit_code, branch_office=office, industry=industry, **kwargs
    )


def field_errors(excinfo, field: str) -> list[ValidationError]:
    return excinfo.value.error_dict.get(field, [])


@pytest.mark.django_db
def test_enterprise_with_good_pasted_code_stores_normalised_form(office, industry):
    enterprise = new_enterprise(office, industry, "９１１１ ００００ ６０００ ３７３４ １ｌ")
    enterprise.full_clean()
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.credit_code == "91110000600037341L"


@pytest.mark.django_db
def test_enterprise_bad_check_character_fails_on_credit_code(office, industry):
    enterprise = new_enterprise(office, industry, "91110000600037341a")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    errors = field_errors(excinfo, "credit_code")
    assert [e.code for e in errors] == ["credit_code_check"]
    assert "第 18 位应为「L」" in excinfo.value.message_dict["credit_code"][0]
    assert set(excinfo.value.error_dict) == {"credit_code"}


@pytest.mark.django_db
def test_enterprise_bad_check_character_passes_with_staff_override_reason(office, industry):
    enterprise = new_enterprise(
        office,
        industry,
        " 9111 0000 6000 3734 1a ",
        credit_code_override_reason="2015 年换发的早期代码，已与营业执照原件核对。",
    )
    enterprise.full_clean()
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.credit_code == "91110000600037341A"
    assert not credit_code_check_passes(enterprise.credit_code)


@pytest.mark.django_db
def test_enterprise_override_reason_of_whitespace_only_is_no_override(office, industry):
    enterprise = new_enterprise(office, industry, "91110000600037341A", credit_code_override_reason="  \n ")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert [e.code for e in field_errors(excinfo, "credit_code")] == ["credit_code_check"]


@pytest.mark.django_db
def test_enterprise_override_reason_on_a_passing_code_is_refused(office, industry):
    enterprise = new_enterprise(office, industry, GOOD_CODES[0], credit_code_override_reason="以防万一")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert "credit_code" not in excinfo.value.error_dict
    messages = excinfo.value.message_dict["credit_code_override_reason"]
    assert any("已通过校验位核验" in m and "无需填写例外理由" in m for m in messages)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("char", "code"),
    [*((letter, "credit_code_forbidden_letter") for letter in "IOSVZ"), ("#", "credit_code_character")],
)
def test_enterprise_bad_character_is_a_validation_error_not_a_crash(office, industry, char, code):
    """The check character can only be computed for a well-formed code: a character
    outside the alphabet among the first 17 must come back as a form error."""
    enterprise = new_enterprise(office, industry, replace_at(GOOD_CODES[0], 5, char))
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert [e.code for e in field_errors(excinfo, "credit_code")] == [code]


@pytest.mark.django_db
def test_enterprise_wrong_length_with_override_reason_is_not_said_to_pass_the_check(office, industry):
    """A 17-character code did not "pass the check"; the reason field must not claim it did."""
    enterprise = new_enterprise(
        office, industry, GOOD_CODES[0][:17], credit_code_override_reason="早期代码，已核实。"
    )
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert [e.code for e in field_errors(excinfo, "credit_code")] == ["credit_code_length"]
    for message in excinfo.value.message_dict.get("credit_code_override_reason", []):
        assert "已通过校验位核验" not in message


@pytest.mark.django_db
def test_duplicate_credit_code_entered_differently_gets_the_unique_message(office, industry):
    EnterpriseFactory(credit_code=GOOD_CODES[1], branch_office=office, industry=industry)
    duplicate = new_enterprise(office, industry, " 9135 0200 ma2y j1xr 9g ")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.message_dict["credit_code"] == ["统一社会信用代码已被另一家企业使用。"]


@pytest.mark.django_db
def test_duplicate_credit_code_is_refused_by_the_database(office, industry):
    EnterpriseFactory(credit_code=GOOD_CODES[1], branch_office=office, industry=industry)
    with pytest.raises(IntegrityError), transaction.atomic():
        new_enterprise(office, industry, "９１３５０２００ｍａ２ｙｊ１ｘｒ９ｇ").save()
    assert Enterprise.objects.filter(credit_code=GOOD_CODES[1]).count() == 1


# ---------------------------------------------------------------------------
# Standard numbers
# ---------------------------------------------------------------------------


STANDARD_SPELLINGS = [
    # international
    ("iso 8442-1:2008", "ISO 8442-1:2008", StandardKind.INTERNATIONAL),
    ("ISO8442-1:2008", "ISO 8442-1:2008", StandardKind.INTERNATIONAL),
    ("ISO / IEC 17025 : 2017", "ISO/IEC 17025:2017", StandardKind.INTERNATIONAL),
    ("IEC  60335-1:2020", "IEC 60335-1:2020", StandardKind.INTERNATIONAL),
    ("ITU-T G.711", "ITU-T G.711", StandardKind.INTERNATIONAL),
    # foreign advanced: a trailing year stays with "-" (no em dash outside Chinese numbers)
    ("en 12983-1:2000", "EN 12983-1:2000", StandardKind.FOREIGN),
    ("BS EN 12983-1:2000", "BS EN 12983-1:2000", StandardKind.FOREIGN),
    ("DIN EN ISO 8442-1", "DIN EN ISO 8442-1", StandardKind.FOREIGN),
    ("astm f2417-11", "ASTM F2417-11", StandardKind.FOREIGN),
    ("JIS S 2006:2000", "JIS S 2006:2000", StandardKind.FOREIGN),
    ("UL1647", "UL 1647", StandardKind.FOREIGN),
    ("ANSI Z21.1", "ANSI Z21.1", StandardKind.FOREIGN),
    ("EN 1234-2020", "EN 1234-2020", StandardKind.FOREIGN),
    # national
    ("gb/t 1.1-2020", "GB/T 1.1—2020", StandardKind.NATIONAL),
    ("GB/T 1.1—2020", "GB/T 1.1—2020", StandardKind.NATIONAL),
    ("GB/T1.1 - 2020", "GB/T 1.1—2020", StandardKind.NATIONAL),
    ("GB / T 1.1 – 2020", "GB/T 1.1—2020", StandardKind.NATIONAL),
    ("ＧＢ／Ｔ　１.１－２０２０", "GB/T 1.1—2020", StandardKind.NATIONAL),
    ("gb 4806.9-2016", "GB 4806.9—2016", StandardKind.NATIONAL),
    ("GB/Z 1234-2020", "GB/Z 1234—2020", StandardKind.NATIONAL),
    # industry
    ("qb/t 2332-2017", "QB/T 2332—2017", StandardKind.INDUSTRY),
    ("JB/T7367-2011", "JB/T 7367—2011", StandardKind.INDUSTRY),
    ("QB 1234-2000", "QB 1234—2000", StandardKind.INDUSTRY),
    ("SN/T 1234-2010", "SN/T 1234—2010", StandardKind.INDUSTRY),
    # local
    ("db33/t 1234-2021", "DB33/T 1234—2021", StandardKind.LOCAL),
    ("DB33 1234-2021", "DB33 1234—2021", StandardKind.LOCAL),
    ("DB 33/T 1234-2021", "DB33/T 1234—2021", StandardKind.LOCAL),
    # 金华市 (Yongkang's prefecture) municipal local standards carry a 4-digit code.
    ("DB3307/T 12-2020", "DB3307/T 12—2020", StandardKind.LOCAL),
    # group (浙江制造 and others)
    ("t/zzb0123-2018", "T/ZZB 0123—2018", StandardKind.GROUP),
    ("T/ZZB 0123 — 2018", "T/ZZB 0123—2018", StandardKind.GROUP),
    ("T/CAS 123-2020", "T/CAS 123—2020", StandardKind.GROUP),
    # enterprise
    ("q/ykjb 001-2024", "Q/YKJB 001—2024", StandardKind.ENTERPRISE),
    ("Q/330784YK 001—2024", "Q/330784YK 001—2024", StandardKind.ENTERPRISE),
]


@pytest.mark.parametrize(("typed", "normalised", "kind"), STANDARD_SPELLINGS)
def test_standard_number_normalised_form_and_kind(typed, normalised, kind):
    assert normalize_standard_number(typed) == normalised
    assert normalize_standard_number(normalised) == normalised  # idempotent
    assert standard_kind_for(typed) == kind
    validate_standard_number(typed)  # raises on failure


def test_the_spelling_table_covers_every_standard_kind():
    assert {kind for _typed, _normalised, kind in STANDARD_SPELLINGS} == set(StandardKind)


@pytest.mark.parametrize(("value", "code"), [("", "standard_number_empty"), ("   ", "standard_number_empty")])
def test_empty_standard_number_rejected(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_standard_number(value)
    assert excinfo.value.code == code
    assert "请填写标准编号" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1234-2020", "1234-2020"),  # no code before the number
        ("GB/T", "GB/T"),  # code but no number
        ("ISO", "ISO"),
        ("GB/T 1.1#2020", "GB/T 1.1#2020"),
        ("标准 123", "标准 123"),
        ("-1234", "-1234"),
    ],
)
def test_malformed_standard_numbers_rejected(typed, shown):
    with pytest.raises(ValidationError) as excinfo:
        validate_standard_number(typed)
    assert excinfo.value.code == "standard_number_shape"
    message = excinfo.value.messages[0]
    assert f"标准编号「{shown}」格式不正确" in message
    assert "GB/T 1.1—2020" in message  # shows an example of the right form


@pytest.mark.django_db
def test_same_standard_in_two_spellings_is_refused_the_second_time():
    first = Standard(number="gb/t 1.1-2020", title="标准化工作导则")
    first.full_clean()
    first.save()
    first.refresh_from_db()
    assert first.number == "GB/T 1.1—2020"
    assert first.kind == StandardKind.NATIONAL  # filled in from the number

    second = Standard(number="GB/T 1.1—2020", title="标准化工作导则（重复）")
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    [message] = excinfo.value.message_dict["number"]
    assert "该标准编号已存在" in message
    assert Standard.objects.count() == 1


@pytest.mark.django_db
def test_same_standard_in_two_spellings_is_refused_by_the_database():
    Standard.objects.create(number="GB/T 1.1—2020", title="标准化工作导则", kind=StandardKind.NATIONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Standard.objects.create(number="gb/t1.1 - 2020", title="重复", kind=StandardKind.NATIONAL)


@pytest.mark.django_db
def test_standard_with_malformed_number_fails_full_clean():
    standard = Standard(number="标准123", title="随便写的", kind=StandardKind.ENTERPRISE)
    with pytest.raises(ValidationError) as excinfo:
        standard.full_clean()
    assert [e.code for e in excinfo.value.error_dict["number"]] == ["standard_number_shape"]


# ---------------------------------------------------------------------------
# GB/T 4754-2017 industry codes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("C", "C"),
        ("C33", "C33"),
        ("C338", "C338"),
        ("C3381", "C3381"),
        ("c3381", "C3381"),
        (" c 33 81 ", "C3381"),
        ("Ｃ３３８", "C338"),
        ("A01", "A01"),
        ("T", "T"),
    ],
)
def test_industry_codes_accepted(typed, normalised):
    validate_industry_code(typed)  # raises on failure
    assert normalize_industry_code(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("C3", "C3"),  # one digit is no level
        ("C33811", "C33811"),  # five digits: deeper than 小类
        ("Z12", "Z12"),  # sections stop at T
        ("U", "U"),
        ("3381", "3381"),  # no section letter
        ("", ""),
        ("CC33", "CC33"),
        ("c 3", "C3"),
    ],
)
def test_industry_codes_rejected_with_message(typed, shown):
    with pytest.raises(ValidationError) as excinfo:
        validate_industry_code(typed)
    assert excinfo.value.code == "industry_code_shape"
    message = excinfo.value.messages[0]
    assert f"国民经济行业代码「{shown}」格式不正确" in message
    assert "A–T" in message


@pytest.mark.django_db
def test_industry_model_stores_the_normalised_code_and_refuses_a_bad_one():
    good = Industry(name="衡器", gb_code=" c 4014 ")
    good.full_clean()
    good.save()
    good.refresh_from_db()
    assert good.gb_code == "C4014"

    bad = Industry(name="平衡车", gb_code="Z12")
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert [e.code for e in excinfo.value.error_dict["gb_code"]] == ["industry_code_shape"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("yk-bwb-2024", "YK-BWB-2024"),
        ("  ｙｋ－ｂｗｂ\u3000\u3000２０２４ ", "YK-BWB 2024"),  # full-width, ideographic spaces
        ("yk\t bwb\n2024", "YK BWB 2024"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_scheme_code(typed, stored):
    from benchmarking.validators import normalize_scheme_code

    assert normalize_scheme_code(typed) == stored
    assert normalize_scheme_code(stored) == stored  # idempotent


# ---------------------------------------------------------------------------
# Keys that match what staff type (docs/domain.md, "Identifiers")
# ---------------------------------------------------------------------------

# Each group: the spellings staff type for one standard, all folding to the first (its key).
SAME_STANDARD = [
    ["GB/T 4754—2017", "GBT 4754-2017", "gbt 4754—2017", "GB T 4754-2017", "GB/T 4754-2017", "gb t4754-2017"],
    ["GB/Z 1234—2020", "GBZ 1234-2020", "GB Z 1234-2020"],
    ["QB/T 1234—2010", "QBT 1234-2010", "qb t 1234-2010", "QB/T 1234-2010"],
    ["JB/T 5678—2015", "JB T 5678-2015", "JBT5678-2015", "JB/T 5678-2015"],
    ["DB33/T 123—2020", "DB33T 123-2020", "DB33 T 123-2020", "DB 33T 123-2020", "db33/t 123-2020"],
    ["DB3307/T 12—2020", "DB3307T 12-2020"],
    ["T/ZZB 0001—2018", "T/ZZB 0001-2018", "TZZB 0001-2018", "T ZZB 0001-2018", "tzzb0001-2018"],
    ["T/CAS 123—2020", "TCAS 123-2020"],
    ["JIS B 1180:2014", "JIS B1180:2014", "jis b1180:2014"],
    ["BS EN 12983-1:2000", "BS EN12983-1:2000"],
    ["EN ISO 8442-1:1997", "EN ISO8442-1:1997"],
    ["DIN EN ISO 4762:2004-06", "DIN EN ISO4762:2004-06"],
    ["ISO 9001:2015", "ISO 9001-2015", "ISO9001-2015", "iso 9001 : 2015"],
    ["ISO 8442-1:2008", "ISO 8442-1-2008"],
    ["ISO/IEC 17025:2017", "ISO/IEC 17025-2017"],
    # Invisible characters pasted from web pages and Word.
    [
        "GB/T 4754—2017",
        "GB/T\u200b 4754—2017",
        "\ufeffGB/T 4754-2017",
        "GB/T\u00a04754-2017",
        "GB/T 4754\u00ad-2017",
        "GB/T\u30004754-2017\u200d",
        "G\u200cB/T 4754-2017",
    ],
]


@pytest.mark.parametrize(
    ("typed", "key"), [(typed, group[0]) for group in SAME_STANDARD for typed in group], ids=str
)
def test_every_spelling_of_a_standard_folds_to_its_key(typed, key):
    assert normalize_standard_number(typed) == key
    assert normalize_standard_number(key) == key  # the key is its own key
    assert standard_kind_for(typed) == standard_kind_for(key)
    validate_standard_number(typed)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("GB 4754-2017", "GB/T 4754-2017"),  # mandatory and recommended national standards
        ("ISO 8442-1", "ISO 8442:1"),  # a part number keeps its hyphen
        ("ISO 8442-1", "ISO 8442"),
        ("ISO 10303-1001", "ISO 10303:1001"),  # a four-digit part is not a year
        ("ASTM F2417-11", "ASTM F 2417-11"),  # ASTM designations keep their letter on the number
        ("TCVN 1234-2010", "T/CVN 1234-2010"),  # a T glued to an unknown code may be foreign
        ("DB33 123-2020", "DB33/T 123-2020"),  # mandatory and recommended local standards
        ("QB 1234-2010", "QB/T 1234-2010"),
        ("EN 1234-2020", "EN 1234:2020"),  # only ISO and IEC years move behind a colon
        ("GB/T 4754-2017", "GB/T 4754-2011"),
    ],
)
def test_different_standards_keep_different_keys(one, other):
    assert normalize_standard_number(one) != normalize_standard_number(other)


def test_a_glued_unknown_group_code_is_left_as_typed():
    assert normalize_standard_number("TCVN 1234-2010") == "TCVN 1234-2010"
    assert standard_kind_for("TCVN 1234-2010") == StandardKind.FOREIGN


INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("char", INVISIBLES, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_dropped_from_every_identifier(char):
    code = GOOD_CODES[1]
    assert normalize_credit_code(char + code[:9] + char + code[9:] + char) == code
    assert normalize_standard_number(f"{char}GB/T{char} 4754-{char}2017") == "GB/T 4754—2017"
    assert normalize_scheme_code(f"{char}ykdb-{char}2024-001 ") == "YKDB-2024-001"
    assert normalize_industry_code(f"C33{char}81") == "C3381"
    assert strip_invisible(f"a{char}b") == "ab"


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u202f"], ids=lambda c: f"U+{ord(c):04X}")
def test_odd_spaces_are_spaces(space):
    assert strip_invisible(f"YKDB{space}2024") == "YKDB 2024"
    assert normalize_scheme_code(f"ykdb{space}{space}2024") == "YKDB 2024"
    assert normalize_standard_number(f"GB/T{space}4754-2017") == "GB/T 4754—2017"


def test_the_length_message_counts_what_the_person_sees():
    seventeen = GOOD_CODES[1][:17]
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code_format("\u200b".join(seventeen) + "\ufeff")
    assert excinfo.value.messages == ["统一社会信用代码应为 18 位，当前为 17 位。"]
    # And a whole code wrapped in invisible characters is a whole code.
    validate_credit_code("\ufeff" + "\u200b".join(GOOD_CODES[1]) + "\u00ad")


def test_a_credit_code_registered_outside_yongkang_gets_a_note():
    yongkang = make_credit_code()
    assert credit_code_region(yongkang) == YONGKANG_REGION_CODE == "330784"
    assert credit_code_region_note(yongkang) == ""
    elsewhere = GOOD_CODES[1]  # 350200: 厦门市
    assert credit_code_region(elsewhere) == "350200"
    note = credit_code_region_note(" " + elsewhere.lower() + "\u200b")
    assert "350200" in note and "330784" in note and "永康市以外" in note
    validate_credit_code(elsewhere)  # accepted all the same
    assert credit_code_region_note("9135") == ""  # too short to have a region


@pytest.mark.django_db
def test_a_split_spelling_can_no_longer_be_stored_beside_its_key():
    Standard.objects.create(number="GB/T 4754—2017", title="国民经济行业分类", kind=StandardKind.NATIONAL)
    second = Standard(number="GBT 4754-2017", title="国民经济行业分类")
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "该标准编号已存在" in excinfo.value.message_dict["number"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Standard.objects.create(number="\u200bGB T 4754-2017", title="重复", kind=StandardKind.FOREIGN)


# 企业标准信息公共服务平台 links
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cpbz.gov.cn/user/detail/ABC123",
        "https://cpbz.gov.cn/",
        "http://www.cpbz.gov.cn/x?y=1",
        "https://WWW.CPBZ.GOV.CN/x",
        "https://www.cpbz.gov.cn:443/x",
    ],
)
def test_a_link_to_the_national_platform_is_accepted(url):
    validate_national_platform_url(url)
    assert national_platform_host(url) in {"www.cpbz.gov.cn", "cpbz.gov.cn"}


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://www.cpbz.gov.cn.evil.example/",
        "https://evilcpbz.gov.cn/",
        "https://std.cpbz.gov.cn/",  # another host of the same domain is not the platform
        "https://www.cpbz.gov.cn@evil.example/",
        "https://evil.example\\@www.cpbz.gov.cn/",
        "https://www.cpbz.gov.cn:8443/",
        "ftp://www.cpbz.gov.cn/",
        "javascript://www.cpbz.gov.cn/%0aalert(1)",
        "https://www.qybz.org.cn/user/detail/ABC123",
        "https://[::1",
    ],
)
def test_any_other_link_is_refused_in_chinese(url):
    assert national_platform_host(url) is None
    with pytest.raises(ValidationError) as refused:
        validate_national_platform_url(url)
    assert refused.value.messages == ["只接受企业标准信息公共服务平台的链接（www.cpbz.gov.cn）。"]


def test_the_platform_hosts_are_a_setting(settings):
    settings.NATIONAL_PLATFORM_HOSTS = ["platform.example.cn"]
    validate_national_platform_url("https://platform.example.cn/a")
    with pytest.raises(ValidationError, match=r"platform\.example\.cn"):
        validate_national_platform_url("https://www.cpbz.gov.cn/a")
