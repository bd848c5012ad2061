"""The extractor's rules, one short made-up sentence (or two) per phenomenon."""
from __future__ import annotations

import pytest

from app.extract import extract


def tuples(text: str) -> set[tuple[str, str, str, str]]:
    return {(s.stance, s.supplier, s.recipient, s.category) for s in extract(text).statements}


def one(text: str, supplier: str, recipient: str, category: str):
    found = [s for s in extract(text).statements if (s.supplier, s.recipient, s.category) == (supplier, recipient, category)]
    assert found, f"no {supplier}->{recipient} {category} in {[(s.supplier, s.recipient, s.category) for s in extract(text).statements]}"
    return found[0]


# ------------------------------------------------------------------ transfers and actors

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # actors by name, capital, metonym; active verbs
        ("Tehran has shipped hundreds of attack drones to Moscow, officials in Kyiv said.", ("alleges", "IRN", "RUS", "uav")),
        ("The Kremlin bought artillery shells from Pyongyang last year, a senior US official said.", ("alleges", "PRK", "RUS", "artillery")),
        ("Belarus received Iskander missiles from Russia in June, according to Reuters.", ("alleges", "RUS", "BLR", "ballistic_missile")),
        # passive
        ("Minsk has been supplied with S-400 systems by Moscow, Ukrainian intelligence said.", ("alleges", "RUS", "BLR", "air_defence")),
        # "turned to X for Y"
        ("Russia has turned to North Korea for ammunition, the State Department said.", ("alleges", "PRK", "RUS", "ammunition")),
        # ditransitive and weapon lists
        ("Washington accused Tehran of sending Russia drones and ballistic missiles.", ("alleges", "IRN", "RUS", "ballistic_missile")),
        ("Washington accused Tehran of sending Russia drones and ballistic missiles.", ("alleges", "IRN", "RUS", "uav")),
        # X-supplied
        ("Russia is firing Iranian-supplied drones at Ukrainian cities.", ("alleges", "IRN", "RUS", "uav")),
        # seeking = planned allegation; itemised list
        ("Russia is seeking fighter jets, helicopters and air defence systems from Iran, US officials said.", ("alleges", "IRN", "RUS", "helicopter")),
        # training pilots on a named system
        ("Russia is training Iranian pilots on the Su-35, US officials said.", ("alleges", "RUS", "IRN", "combat_aircraft")),
        # non-state groups
        ("The Houthis have received drones and missiles from Iran, UN experts said.", ("alleges", "IRN", "houthis", "uav")),
        ("Hezbollah has obtained rockets from Iran, Israeli officials said.", ("alleges", "IRN", "hezbollah", "artillery")),
        ("Wagner fighters received rockets from North Korea, the spokesman said.", ("alleges", "PRK", "wagner", "artillery")),
        # nominal: possessive supplier, "to" recipient
        ("Officials in Kyiv condemned Iran’s transfer of ballistic missiles to Russia.", ("alleges", "IRN", "RUS", "ballistic_missile")),
        # generic weapons with no type named
        ("Poland sent weapons to Ukraine in the first week of the war.", ("alleges", "POL", "UKR", "unspecified")),
    ],
)
def test_transfer_language(text, expected):
    assert expected in tuples(text)


def test_two_transfers_in_one_sentence():
    found = tuples("Pentagon officials said Iran sent drones to Russia and North Korea shipped artillery shells to Moscow.")
    assert ("alleges", "IRN", "RUS", "uav") in found
    assert ("alleges", "PRK", "RUS", "artillery") in found
    assert ("alleges", "IRN", "RUS", "artillery") not in found


def test_including_list_keeps_only_itemised_categories():
    found = tuples("Moscow is providing military assistance to Tehran, including helicopters and fighter jets, Western officials said.")
    assert ("alleges", "RUS", "IRN", "helicopter") in found
    assert ("alleges", "RUS", "IRN", "combat_aircraft") in found
    assert not any(t[3] == "unspecified" for t in found)


@pytest.mark.parametrize(
    ("text", "system", "category"),
    [
        ("Iran sold Geran-2 drones to Russia, Ukrainian officials said.", "Shahed-136", "uav"),
        ("North Korea supplied KN-23 missiles to Russia, the White House said.", "KN-23", "ballistic_missile"),
        ("Iran delivered Fath-360 missiles to Russia, US officials said.", "Fath-360", "ballistic_missile"),
    ],
)
def test_named_systems_with_aliases_and_category(text, system, category):
    stmts = [s for s in extract(text).statements if s.category == category]
    assert stmts and stmts[0].system == system


# ------------------------------------------------------------------ not allegations

@pytest.mark.parametrize(
    "text",
    [
        "There is no evidence that China has supplied lethal weapons to Russia, a NATO official said.",
        "Russia launched 40 Shahed drones at Kyiv overnight.",
        "Iranian-made drones struck Kyiv on Monday.",
        "Debris of a North Korean missile was found in Kharkiv.",
        "If Beijing were to sell weapons to Moscow, it would face sanctions.",
        "Germany refused to send Taurus missiles to Ukraine.",
        "The talks covered trade and energy, and no agreement was signed.",
        "Ukrainian soldiers fired Soviet-designed artillery at Russian positions.",
    ],
)
def test_no_allegation(text):
    assert tuples(text) == set()


# ------------------------------------------------------------------ claimants and speakers

@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("White House spokesman John Kirby said Iran had sold drones to Russia.", "USA"),
        ("Britain's UN ambassador said Iran was providing drones to Russia.", "GBR"),
        ("A senior US official said North Korea had shipped shells to Russia.", "USA"),
        ("Iran sold drones to Russia, according to the Wall Street Journal.", "media"),
        ("Iran has sold drones to Russia.", "media"),
        ("Iran sold drones to Russia, UN monitors said.", "un"),
        ("Dmytro Kuleba, Ukraine's foreign minister, said Iran had sent drones to Russia.", "UKR"),
    ],
)
def test_claimant(text, claimant):
    assert one(text, *_pair_of(text)).claimant == claimant


def _pair_of(text: str) -> tuple[str, str, str]:
    s = extract(text).statements[0]
    return s.supplier, s.recipient, s.category


def test_speaker_and_role_are_filled():
    s = one("White House spokesman John Kirby said Iran had sold hundreds of drones to Russia.", "IRN", "RUS", "uav")
    assert s.speaker == "John Kirby"
    assert s.speaker_role == "White House spokesman"
    assert s.quantity == "hundreds"


def test_attribution_across_sentences():
    text = ("Britain's UN ambassador, Jane Doe, spoke on Friday. "
            "“Russia intends to provide Iran with advanced military components,” she said.\n\n"
            "Kirby, the White House spokesman, briefed reporters. He added that Iran had sold drones to Russia.")
    assert one(text, "RUS", "IRN", "components").claimant == "GBR"
    assert one(text, "IRN", "RUS", "uav").claimant == "USA"


def test_quote_paragraph_after_the_speaker_is_named():
    text = ("“Iran is one of Russia’s main backers,” UK Foreign Secretary John Smith said. "
            "“Their deals have seen the Iranian regime send hundreds of drones to Moscow.”")
    assert one(text, "IRN", "RUS", "uav").claimant == "GBR"


def test_headline_is_the_outlets_voice():
    text = "Iran Sends Ballistic Missiles To Russia\n\nThe shipment left last week."
    assert ("alleges", "IRN", "RUS", "ballistic_missile") in tuples(text)
    assert extract(text).statements[0].claimant == "media"


# ------------------------------------------------------------------ denials

def test_implied_denial_answers_the_nearest_claim_about_the_pair():
    text = ("The White House says Russia has turned to North Korea for artillery shells. "
            "Iran has sent drones to Russia, officials said. "
            "North Korea has denied the claim.")
    found = tuples(text)
    assert ("denies", "PRK", "RUS", "artillery") in found
    assert not any(t[0] == "denies" and t[1] == "IRN" for t in found)
    denial = [s for s in extract(text).statements if s.stance == "denies"][0]
    assert denial.claimant == "PRK" and denial.quote == "North Korea has denied the claim."


@pytest.mark.parametrize(
    "denial",
    [
        "Pyongyang rejected the reports as groundless.",
        "Pyongyang dismissed the accusations as baseless.",
        "North Korea denied supplying shells to Russia.",
        "North Korea said it had never sent artillery shells to Russia.",
    ],
)
def test_denial_forms(denial):
    text = "US officials said North Korea had shipped artillery shells to Russia. " + denial
    assert ("denies", "PRK", "RUS", "artillery") in tuples(text)


def test_denial_with_its_own_object_takes_its_categories():
    text = "North Korea denied that it had supplied weapons or ammunition to Russia."
    found = tuples(text)
    assert ("denies", "PRK", "RUS", "unspecified") in found
    assert ("denies", "PRK", "RUS", "ammunition") in found
    assert not any(t[0] == "alleges" for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "US officials said North Korea had shipped artillery shells to Russia. The Kremlin declined to comment.",
        "US officials said North Korea had shipped artillery shells to Russia. Pyongyang neither confirmed nor denied the report.",
        # a third party is not a party to the transfer: no denial
        "US officials said North Korea had shipped artillery shells to Russia. China denied the reports.",
    ],
)
def test_not_denials(text):
    assert not any(t[0] == "denies" for t in tuples(text))


def test_denial_of_reports_also_records_the_ownerless_allegation():
    text = "Iran's foreign ministry dismissed as baseless Western accusations that Tehran was arming Moscow."
    stmts = extract(text).statements
    assert {(s.stance, s.claimant) for s in stmts} >= {("denies", "IRN"), ("alleges", None)}


# ------------------------------------------------------------------ confirms and status

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran acknowledged on Saturday that it had sent drones to Russia.", ("confirms", "IRN", "RUS", "uav")),
        ("Iran’s foreign minister said a small number of drones had been given to Russia before the war. "
         "Iran has sent drones to Russia, Ukraine says.", ("confirms", "IRN", "RUS", "uav")),
        ("The Pentagon announced it would send Patriot missiles to Ukraine.", ("confirms", "USA", "UKR", "air_defence")),
        ("Iran has finalised the purchase of Su-35 fighter jets from Russia.", ("confirms", "RUS", "IRN", "combat_aircraft")),
        ("Britain pledged 14 Challenger 2 tanks to Ukraine.", ("confirms", "GBR", "UKR", "armoured_vehicle")),
        ("A third party can still allege: Kyiv said Iran had sent drones to Russia.", ("alleges", "IRN", "RUS", "uav")),
    ],
)
def test_confirms(text, expected):
    assert expected in tuples(text)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("US officials said Iran is considering the sale of ballistic missiles to Russia.", "planned"),
        ("US officials said Iran could receive Su-35 jets from Russia within the year.", "planned"),
        ("US officials said Russia is in talks to buy ballistic missiles from Iran.", "planned"),
        ("US officials said Iran sold drones to Russia last summer.", "delivered"),
        ("US officials said Russia has received ballistic missiles from Iran.", "delivered"),
    ],
)
def test_status(text, status):
    stmts = extract(text).statements
    assert stmts and stmts[0].status == status


def test_aid_package_list_items_continue_the_announced_transfer():
    text = ("The Department of Defense announces additional security assistance for Ukraine, which will provide:\n"
            "• Patriot air defense batteries;\n• 155mm artillery rounds;\n• armored personnel carriers.")
    found = tuples(text)
    assert ("confirms", "USA", "UKR", "air_defence") in found
    assert ("confirms", "USA", "UKR", "artillery") in found
    assert ("confirms", "USA", "UKR", "armoured_vehicle") in found


def test_quotes_are_exact_sentence_spans():
    text = " date 2024-01-02 KYIV: Iran sold drones to Russia, officials said.\n\nNorth Korea denied shipping shells to Russia."
    result = extract(text)
    assert str(result.published) == "2024-01-02"
    assert result.statements
    for s in result.statements:
        assert text[s.start:s.end] == s.quote
        assert "date 2024" not in s.quote


# ------------------------------------------------------------------ more reporting patterns

def test_recipient_thanking_its_supplier_confirms():
    found = tuples("Mali's interim president thanked Russia for the Su-25 jets and helicopters delivered this week.")
    assert ("confirms", "RUS", "MLI", "combat_aircraft") in found
    assert ("confirms", "RUS", "MLI", "helicopter") in found


def test_seizure_of_cargo_carried_between_parties():
    text = "The US Navy seized 2,000 rifles from a dhow carrying them from Iran to the Houthis, Central Command said."
    stmt = one(text, "IRN", "houthis", "small_arms")
    assert stmt.stance == "alleges" and stmt.claimant == "USA"


def test_bound_for_with_origin():
    assert ("alleges", "IRN", "houthis", "components") in tuples("Navy Seizes Iranian-Made Missile Components Bound for the Houthis")


def test_coordinated_suppliers():
    found = tuples("Ukraine has received T-72 tanks from Poland and the Czech Republic, officials said.")
    assert {("alleges", "POL", "UKR", "armoured_vehicle"), ("alleges", "CZE", "UKR", "armoured_vehicle")} <= found


def test_headline_denial_answers_the_claim_that_follows():
    text = "Kremlin denies Iranian link\n\nUS officials said Iran had sent attack drones to Russia."
    assert ("denies", "IRN", "RUS", "uav") in tuples(text)


def test_calls_it_groundless_is_a_denial():
    text = "US officials said China had sold drone engines to Russia. Beijing calls that groundless."
    assert ("denies", "CHN", "RUS", "components") in tuples(text)


def test_denial_of_receiving_by_the_recipient():
    text = "UN experts said Iran had shipped missiles to the Houthis. The Houthis denied receiving Iranian weapons."
    stmt = [s for s in extract(text).statements if s.stance == "denies"]
    assert stmt and stmt[0].claimant == "houthis" and (stmt[0].supplier, stmt[0].recipient) == ("IRN", "houthis")


def test_press_release_speaks_for_its_issuer():
    text = ("PRESS STATEMENT\nOffice of the Spokesperson, U.S. Department of State\n\n"
            "Iran has supplied Russia with Shahed drones for two years, and we assess that Iran shipped missiles to Russia.")
    assert {s.claimant for s in extract(text).statements} == {"USA"}


def test_interview_answers_speak_for_the_interviewee():
    text = ("INTERVIEW\n\nJane Roe is a deputy head of Ukraine's defence intelligence. She spoke to us in Kyiv.\n\n"
            "Q: Who supplies Russia?\n\nA: North Korea has delivered millions of artillery shells to Russia.")
    assert one(text, "PRK", "RUS", "artillery").claimant == "UKR"


def test_supplier_of_with_our():
    stmt = one("“Russia is our main supplier of weapons,” Belarus's president Alexander Lukashenko said.", "RUS", "BLR", "unspecified")
    assert stmt.stance == "confirms" and stmt.claimant == "BLR"


def test_list_items_headed_by_a_supplier():
    text = ("UN experts said Myanmar's military had bought weapons from Russia.\n"
            "The report lists what the main suppliers sent:\n"
            "• Russia: Su-30 fighter jets and Mi-35 helicopters\n"
            "• China: CH-3A drones")
    found = tuples(text)
    assert ("alleges", "RUS", "MMR", "helicopter") in found
    assert ("alleges", "CHN", "MMR", "uav") in found


@pytest.mark.parametrize(
    "text",
    [
        "CORRECTION: An earlier version of this article said that Iran had supplied Venezuela with cruise missiles.",
        "Baku has not disclosed how many aircraft it will receive from Israel.",
        "Analysts will watch for any transfer of Russian air-defence systems to Iran.",
        "The sanctions target North Korea's weapons programmes and Russia's arms industry.",
    ],
)
def test_more_non_allegations(text):
    assert not any(t[0] in ("alleges", "confirms") for t in tuples(text))


def test_owner_of_the_supplied_goods_is_the_recipient():
    assert ("alleges", "RUS", "ARM", "unspecified") in tuples("Russia has for decades supplied most of Armenia’s weapons.")


def test_report_by_a_rights_group_that_a_party_denies():
    text = ("The UAE rejected as baseless a report by Amnesty International that it had supplied "
            "armoured vehicles to the Rapid Support Forces.")
    stmts = extract(text).statements
    assert {(s.stance, s.claimant) for s in stmts if s.category == "armoured_vehicle"} == {("denies", "ARE"), ("alleges", "amnesty")}


def test_named_system_maker_is_the_supplier_only_when_nothing_else_is():
    assert ("alleges", "TUR", "AZE", "uav") in tuples("TB2s sold to Azerbaijan played a prominent part in the war.")
    # an explicit supplier wins over the maker (a re-export)
    found = tuples("Ukraine received Leopard 2 tanks from Poland last week.")
    assert ("alleges", "POL", "UKR", "armoured_vehicle") in found
    assert not any(t[1] == "DEU" for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "Kyiv had given London assurances that the missiles would be used only on its own territory.",
        "Kirby said the arms transfers were in violation of UN resolutions.",
    ],
)
def test_not_goods_or_not_a_party(text):
    assert not any(t[0] == "confirms" for t in tuples(text))
    assert ("alleges", "UKR", "GBR", "missile") not in tuples(text)


def test_gerund_subject_after_by():
    text = "Moscow says that by supplying F-16s to Ukraine Denmark has become a party to the war."
    found = [s for s in extract(text).statements if s.quote.startswith("Moscow")]
    assert found and (found[0].supplier, found[0].claimant) == ("DNK", "RUS")
