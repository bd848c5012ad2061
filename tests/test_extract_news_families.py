"""How real reporting phrases transfers: one family per test, each with sentences written for this file.

The families are those of issue 11 (non-state parties, lists, a party's own announcements, third-party
findings, denials attached to their pair, components, page furniture). None of these sentences comes
from the evaluation corpora; they imitate the forms of agency copy, press releases and report summaries.
"""
from __future__ import annotations

from datetime import date

import pytest

from app.extract import extract


def tuples(text: str) -> set[tuple[str, str, str, str]]:
    return {(s.stance, s.supplier, s.recipient, s.category) for s in extract(text).statements}


def claimants(text: str, stance: str, supplier: str, recipient: str) -> set[str | None]:
    return {s.claimant for s in extract(text).statements if (s.stance, s.supplier, s.recipient) == (stance, supplier, recipient)}


# ------------------------------------------------------------------ 1. non-state parties

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sudan's army accused the United Arab Emirates of flying weapons to the Rapid Support Forces through Chad.",
         ("alleges", "ARE", "rsf", "unspecified")),
        ("A shipment of assault rifles from Iran bound for the Houthis was seized by the US Navy, officials said.",
         ("alleges", "IRN", "houthis", "small_arms")),
        ("Iraq's Popular Mobilization Forces have been smuggling rocket launchers to Russia, the newspaper reported.",
         ("alleges", "pmf", "RUS", "artillery")),
        ("Kremlin-linked mercenaries of the Wagner Group sent surface-to-air missiles to the RSF, US officials said.",
         ("alleges", "wagner", "rsf", "air_defence")),
    ],
)
def test_groups_are_parties_in_their_own_right(text, expected):
    found = tuples(text)
    assert expected in found
    _, sup, rec, cat = expected
    assert ("alleges", rec, sup, cat) not in found  # never turned around


def test_a_group_as_object_is_not_a_supplier():
    found = tuples("The US Navy seized anti-tank missiles from a boat heading to the Houthis, and Washington blamed Tehran for the shipment.")
    assert not any(t[1] == "houthis" for t in found)


# ------------------------------------------------------------------ 2. lists

def test_several_suppliers_give_one_statement_each():
    found = tuples("Russia, China and Belarus have supplied drones to Myanmar's military, a UN rapporteur said.")
    assert {("alleges", s, "MMR", "uav") for s in ("RUS", "CHN", "BLR")} <= found


def test_several_recipients_give_one_statement_each():
    found = tuples("Turkey has sold Bayraktar TB2 drones to Poland, Morocco and Ethiopia, according to the report.")
    assert {("alleges", "TUR", r, "uav") for r in ("POL", "MAR", "ETH")} <= found


def test_suppliers_and_weapons_multiply():
    found = tuples("France and Germany will supply Ukraine with tanks and howitzers, their defence ministers said on Monday.")
    for s in ("FRA", "DEU"):
        assert ("confirms", s, "UKR", "armoured_vehicle") in found
        assert ("confirms", s, "UKR", "artillery") in found


# ------------------------------------------------------------------ 3. a party's own announcements

def test_aid_package_itemised_is_confirms_per_category():
    text = ("The Pentagon on Tuesday announced a new $300 million security assistance package for Ukraine. "
            "The package includes Stinger missiles, 155mm artillery rounds and Humvees.")
    found = tuples(text)
    assert ("confirms", "USA", "UKR", "air_defence") in found
    assert ("confirms", "USA", "UKR", "artillery") in found
    assert not any(t[0] == "alleges" for t in found)


def test_package_contents_in_a_later_sentence_belong_to_the_package():
    text = ("Britain's defence ministry announced a new package of military aid for Ukraine on Friday. "
            "It also contains patrol boats and small-arms ammunition.")
    found = tuples(text)
    assert ("confirms", "GBR", "UKR", "naval") in found
    assert ("confirms", "GBR", "UKR", "ammunition") in found


def test_approved_sale_is_confirms_planned():
    st = [s for s in extract("The State Department has approved the possible sale of 40 F-16 fighter jets to Turkey, worth $23 billion.").statements
          if (s.supplier, s.recipient, s.category) == ("USA", "TUR", "combat_aircraft")]
    assert st and st[0].stance == "confirms" and st[0].status == "planned"


def test_a_party_agreeing_to_supply_confirms():
    found = tuples("Spain and Portugal agreed on Thursday to send armoured personnel carriers to Ukraine.")
    assert ("confirms", "ESP", "UKR", "armoured_vehicle") in found
    assert ("confirms", "PRT", "UKR", "armoured_vehicle") in found


def test_a_party_planning_to_send_confirms():
    found = tuples("Ukraine needs air defence, and Norway now plans to send Ukraine two more NASAMS batteries.")
    assert ("confirms", "NOR", "UKR", "air_defence") in found


# ------------------------------------------------------------------ 4. third-party findings

def test_a_panel_report_about_a_group_is_an_allegation_by_the_panel():
    text = "A UN panel of experts found that Iran had supplied missile components to the Houthis."
    assert ("alleges", "IRN", "houthis", "components") in tuples(text)
    assert claimants(text, "alleges", "IRN", "houthis") == {"un"}
    assert not any(t[0] == "confirms" for t in tuples(text))


def test_a_rights_group_finding_is_its_allegation():
    text = "Amnesty International said armoured vehicles made in the UAE had been delivered to the RSF in Darfur."
    assert ("alleges", "ARE", "rsf", "armoured_vehicle") in tuples(text)
    assert claimants(text, "alleges", "ARE", "rsf") == {"amnesty"}


# ------------------------------------------------------------------ 5. denials

def test_a_recipient_rejecting_claims_about_its_supplier():
    text = "The Kremlin rejected claims that Pyongyang had supplied Russia with artillery shells."
    found = tuples(text)
    assert ("denies", "PRK", "RUS", "artillery") in found
    assert claimants(text, "denies", "PRK", "RUS") == {"RUS"}


def test_a_supplier_rejecting_claims_it_armed_a_group():
    found = tuples("The UAE rejects claims it armed Sudan's Rapid Support Forces.")
    assert ("denies", "ARE", "rsf", "unspecified") in found


def test_an_implied_denial_answers_the_claim_before_it():
    text = ("Washington says Belgrade has sold rocket launchers to Kyiv through intermediaries. "
            "Serbia dismissed the accusation as false.")
    found = tuples(text)
    assert ("denies", "SRB", "UKR", "artillery") in found
    assert ("denies", "USA", "UKR", "artillery") not in found


@pytest.mark.parametrize("text", ["Morocco denied buying Su-35 fighters.",
                                  "Morocco has denied it is acquiring Su-35 jets, a government spokesman said."])
def test_a_buyer_denying_a_named_system_denies_its_maker_as_supplier(text):
    assert tuples(text) == {("denies", "RUS", "MAR", "combat_aircraft")}
    assert claimants(text, "denies", "RUS", "MAR") == {"MAR"}


def test_a_third_party_cannot_deny():
    found = tuples("Iran has sent drones to Russia, Kyiv says. France said it had seen no evidence of the transfer.")
    assert not any(t[0] == "denies" for t in found)


# ------------------------------------------------------------------ 6. components and dual-use goods

@pytest.mark.parametrize(
    "text",
    [
        "Chinese firms shipped drone engines and microelectronics to Russia, the investigation found.",
        "Iran has handed Russia a production line for attack drones, according to intelligence officials.",
        "German machine tools ended up at Russian arms factories after passing through Kazakhstan, the report said.",
    ],
)
def test_components_and_dual_use_goods(text):
    assert any(t[3] == "components" for t in tuples(text))


# ------------------------------------------------------------------ 7. page furniture

def test_headline_is_the_title_and_the_byline_gives_the_date():
    text = ("Seoul Says Arms Deal With Warsaw Is On Track\n\nBy Jane Roe 14 March 2023\n\n"
            "South Korea will deliver more K9 howitzers to Poland this year, its defence ministry said on Tuesday.\n")
    result = extract(text)
    assert result.title == "Seoul Says Arms Deal With Warsaw Is On Track"
    assert result.published == date(2023, 3, 14)


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("KYIV (Agency, 22nd December, 2022) - Ukraine has received", date(2022, 12, 22)),
        ("Mar 05,2008\nGeorgia has bought", date(2008, 3, 5)),
        ("WARSAW, June 3, 2024 (Wire) — Poland has signed", date(2024, 6, 3)),
    ],
)
def test_dateline_dates(opening, expected):
    assert extract(opening + " drones from Turkey, officials said.").published == expected


def test_a_date_in_a_body_sentence_is_not_the_publication_date():
    text = ("Turkey signed a contract on 6 March 2015 to sell Bayraktar drones to Qatar, which took delivery of the first batch "
            "two years later after lengthy negotiations between the two governments and the manufacturer.\n")
    assert extract(text).published is None


def test_the_date_header_wins_over_a_dateline():
    assert extract(" date 2024-01-02 KYIV (Agency, 22nd December, 2022) - Ukraine got drones.").published == date(2024, 1, 2)


# ------------------------------------------------------------------ more forms of real reporting

def test_breaching_an_arms_embargo_is_supplying_its_target():
    found = tuples("Egypt and Russia have repeatedly violated the UN arms embargo on Libya, a panel of experts said.")
    assert {("alleges", "EGY", "LBY", "unspecified"), ("alleges", "RUS", "LBY", "unspecified")} <= found


def test_goods_said_to_come_from_a_state():
    text = "Kyiv says most of the foreign microchips in Russia's cruise missiles come from Taiwan."
    assert ("alleges", "TWN", "RUS", "components") in tuples(text)
    assert claimants(text, "alleges", "TWN", "RUS") == {"UKR"}


def test_a_transfer_inside_a_subject_relative_clause():
    found = tuples("The deal worries France, which has been stepping up arms deliveries to Armenia, diplomats said.")
    assert ("alleges", "FRA", "ARM", "unspecified") in found


def test_a_title_case_headline_attributed_at_its_end():
    found = tuples("Kremlin Has Resumed Drone Deliveries To Wagner, Prigozhin Says")
    assert ("confirms", "RUS", "wagner", "uav") in found


def test_recipients_named_by_reference():
    text = "Hassan Nasrallah, the leader of Hezbollah, says Iran supplies the Lebanese group with its missiles."
    assert ("confirms", "IRN", "hezbollah", "missile") in tuples(text)
    assert ("confirms", "IRN", "hezbollah", "uav") in tuples(
        "Hezbollah's leader said in a speech on Friday: “Iran sent us drones, and we used them.”")


def test_a_shipments_contents_claimed_by_the_sentences_own_speaker():
    text = ("The US Navy said it had stopped a dhow carrying Iranian weapons to the Houthis. "
            "According to the Pentagon, the cargo comprised anti-tank missiles and assault rifles.")
    found = extract(text).statements
    contents = {(s.stance, s.supplier, s.recipient, s.category, s.claimant) for s in found if s.quote.startswith("According")}
    assert ("alleges", "IRN", "houthis", "missile", "USA") in contents
    assert ("alleges", "IRN", "houthis", "small_arms", "USA") in contents


def test_rejecting_media_reports_states_the_reports_claim():
    text = "Turkey's defence minister rejected press reports claiming that Ankara had sold attack drones to Niger."
    found = {(s.stance, s.supplier, s.recipient, s.category, s.claimant) for s in extract(text).statements}
    assert ("denies", "TUR", "NER", "uav", "TUR") in found
    assert ("alleges", "TUR", "NER", "uav", "media") in found


def test_stalled_exports_are_not_a_transfer():
    assert not tuples("The opposition said the government was stalling arms exports to Israel, tank spare parts among them.")


def test_a_denials_object_ends_where_the_denier_adds_a_claim():
    found = tuples("Iran rejected claims that it had sent drones to Russia, stressing that its military cooperation with Moscow predates the war.")
    assert ("denies", "IRN", "RUS", "uav") in found
    assert ("denies", "IRN", "RUS", "unspecified") not in found


def test_the_goods_user_is_their_recipient():
    found = tuples("Seoul rejected reports that it was going to sell howitzers that Kyiv's army would use.")
    assert ("denies", "KOR", "UKR", "artillery") in found


def test_a_ban_on_sales_is_no_sale():
    assert not tuples("Washington urged the Security Council to extend its ban on arms sales to Iran.")


# ------------------------------------------------------------------ appositives and other agents

def test_a_weapon_in_apposition_names_no_new_goods():
    found = tuples("Norway said it had delivered a second NASAMS battery to Ukraine, a weapon that has proved its worth against cruise missiles.")
    assert ("confirms", "NOR", "UKR", "air_defence") in found
    assert not any(t[3] == "unspecified" for t in found)


def test_the_weapon_refers_back_to_the_last_one_named():
    text = ("The Taurus cruise missile has a range of 500 km. "
            "The Netherlands said on Friday that it had supplied the weapon to Ukraine in secret.")
    found = tuples(text)
    assert ("confirms", "NLD", "UKR", "cruise_missile") in found
    assert not any(t[3] == "unspecified" for t in found)


@pytest.mark.parametrize("verb", ["encourage", "push", "persuade"])
def test_an_infinitive_after_a_non_actor_object_has_no_supplier(verb):
    text = ("Canada will send Ukraine eight Leopard tanks, its defence minister said. "
            f"Officials hope Canada's decision will {verb} other allies to send Ukraine more modern hardware.")
    found = tuples(text)
    assert ("confirms", "CAN", "UKR", "armoured_vehicle") in found
    assert not any(t[3] == "unspecified" for t in found)


def test_an_infinitive_after_a_named_object_keeps_that_actor():
    assert ("alleges", "ESP", "UKR", "armoured_vehicle") in tuples(
        "Germany urged Spain to send its Leopard tanks to Ukraine, according to diplomats.")


# ------------------------------------------------------------------ people introduced once, surnames after

@pytest.mark.parametrize("intro", [
    "The remarks were made at a briefing by President of Finland Sauli Niinisto.",
    "Finnish Defence Minister Sauli Niinisto spoke at a briefing in Helsinki.",
    "Finland's Prime Minister Sauli Niinisto spoke at a briefing in Helsinki.",
])
def test_a_surname_speaks_for_the_state_its_title_named(intro):
    text = intro + '\n\n"We will hand over two more artillery batteries to Estonia next month," Niinisto said.'
    st = [s for s in extract(text).statements if s.recipient == "EST"]
    assert st and {(s.stance, s.supplier, s.claimant) for s in st} == {("confirms", "FIN", "FIN")}


@pytest.mark.parametrize("attribution", ["according to a Spanish official", "two senior Spanish officials said"])
def test_an_unnamed_official_speaks_for_the_demonym(attribution):
    assert claimants(f"Italy is sending munitions to Ukraine, {attribution}.", "alleges", "ITA", "UKR") == {"ESP"}


def test_a_counted_generic_word_refers_back_to_the_named_system():
    text = ("Slovakia is to give Ukraine its MiG-29 fighter jets, the government said. "
            "\"We will pass four fully operational aircraft to Ukraine within days,\" the prime minister said.")
    cats = {(s.category, s.system) for s in extract(text).statements if s.supplier == "SVK"}
    assert cats == {("combat_aircraft", "MiG-29")}


@pytest.mark.parametrize(("text", "expected"), [
    ("Hungary has been passing Soviet-era howitzers on to Serbia, according to the report.", ("alleges", "HUN", "SRB", "artillery")),
    ("Slovakia diverted the rifles to Libya, investigators said.", ("alleges", "SVK", "LBY", "small_arms")),
])
def test_passing_on_and_diverting_are_transfers(text, expected):
    assert expected in tuples(text)


def test_any_goods_with_a_bracketed_word_are_no_goods_in_particular():
    assert not tuples('The minister warned that Iran "would pass on to Venezuela any (nuclear) technology it obtained".')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ugandan officials said Kampala had bought eight attack helicopters from Belarus.",
         ("confirms", "BLR", "UGA", "helicopter")),
        ("The Ghanaian navy took delivery of two patrol boats from Turkey, officials in Accra said.",
         ("confirms", "TUR", "GHA", "naval")),
        ("Officials in Nairobi accused Eritrea of sending rifles to militants in Somalia.",
         ("alleges", "ERI", "SOM", "small_arms")),
    ],
)
def test_smaller_states_are_named_by_demonym_and_capital(text, expected):
    assert expected in tuples(text)


def test_a_second_verb_with_its_own_non_goods_object_borrows_no_weapons():
    found = tuples("Iran shipped rockets to the Houthis and gave political support to Hamas, the report said.")
    assert ("alleges", "IRN", "houthis", "artillery") in found
    assert not any(t[2] == "hamas" for t in found)
    # the goods before the verb still count when the verb has no object of its own
    assert ("alleges", "IRN", "RUS", "uav") in tuples("The drones that Iran supplied to Russia were used in Kyiv.")


@pytest.mark.parametrize(
    ("text", "suppliers"),
    [
        ("Canada joined Britain in sending tanks to Ukraine, the report said.", {"CAN", "GBR"}),
        ("Spain and Portugal have agreed to follow Norway in supplying Kyiv with infantry fighting vehicles.",
         {"ESP", "PRT", "NOR"}),
    ],
)
def test_following_or_joining_a_supplier_makes_both_suppliers(text, suppliers):
    assert {t[1] for t in tuples(text) if t[2] == "UKR" and t[3] == "armoured_vehicle"} == suppliers


@pytest.mark.parametrize("goods", ["armoured fighting vehicles", "firearms", "stealth fighters", "gunboats", "landmines"])
def test_common_names_of_weapon_kinds_are_goods(goods):
    assert {t[1:3] for t in tuples(f"Officials said Belgium had sent {goods} to Moldova.")} == {("BEL", "MDA")}


def test_an_agreement_or_decision_to_send_is_planned():
    statuses = {s.status for s in extract("Norway decided last week to donate eight tanks to Ukraine.").statements}
    assert statuses == {"planned"}


def test_a_party_planning_to_send_without_a_recipient_sends_to_the_article_s_recipient():
    text = ("Denmark will send Leopard tanks to Ukraine, its defence ministry said on Monday. "
            "Kyiv has asked its allies for hundreds more. Portugal, for its part, plans to send three tanks.")
    assert ("confirms", "PRT", "UKR", "armoured_vehicle") in tuples(text)
    assert claimants(text, "confirms", "PRT", "UKR") == {"PRT"}


@pytest.mark.parametrize("verb", ["signed", "concluded", "inked", "sealed"])
def test_a_deal_the_outlet_reports_is_its_claim_and_the_buyer_s_confirmation(verb):
    text = f"In 2019, Egypt {verb} a deal to buy two dozen Su-35 fighter jets."
    assert tuples(text) == {("alleges", "RUS", "EGY", "combat_aircraft"), ("confirms", "RUS", "EGY", "combat_aircraft")}
    assert {s.status for s in extract(text).statements} == {"planned"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drones bought by Romania from Turkey arrived in Constanta on Monday.", {("alleges", "TUR", "ROU", "uav")}),
        ("Tanks ordered by Poland from South Korea will arrive next year, the ministry said.",
         {("alleges", "KOR", "POL", "armoured_vehicle")}),
    ],
)
def test_goods_bought_by_a_party_name_it_as_the_recipient(text, expected):
    assert tuples(text) == expected


def test_goods_listed_between_dashes_itemise_the_generic_word_before_them():
    text = "Weapons sent by Iran to the Houthis – mostly rifles and rockets – were seized off Yemen."
    assert tuples(text) == {("alleges", "IRN", "houthis", "small_arms"), ("alleges", "IRN", "houthis", "artillery")}


def test_a_party_s_contribution_of_goods_is_a_transfer():
    assert tuples("Bulgaria's contribution to Ukraine amounted to several hundred thousand shells, the report said.") == {
        ("alleges", "BGR", "UKR", "artillery")}


def test_older_spellings_of_capitals_name_the_state():
    text = "Hamas has received thousands of rockets from Iran, Israeli officials said. Teheran rejects the accusation."
    assert ("denies", "IRN", "hamas", "artillery") in tuples(text)


def test_helicopter_carriers_are_ships():
    assert tuples("France supplied two amphibious helicopter carriers to Egypt.") == {("alleges", "FRA", "EGY", "naval")}


@pytest.mark.parametrize(
    ("text", "recipients"),
    [
        ("Iran has supplied rockets to a host of militant groups, among them Hezbollah and Hamas.", {"hezbollah", "hamas"}),
        ("North Korea has sold missiles to several countries, including Iran and Syria.", {"IRN", "SYR"}),
        ("Turkey has sold drones to Azerbaijan, Ukraine and other countries, including Ethiopia.", {"AZE", "UKR", "ETH"}),
        ("Iran has sent rifles both to the Iraqi army and to armed groups such as Hezbollah.", {"IRQ", "hezbollah"}),
    ],
)
def test_parties_given_as_examples_of_a_collective_are_recipients(text, recipients):
    assert {t[2] for t in tuples(text)} == recipients


def test_trainers_alone_are_people_not_aircraft():
    assert tuples("Iran has supplied weapons, military advisers and trainers to the Iraqi army.") == {
        ("alleges", "IRN", "IRQ", "unspecified")}


@pytest.mark.parametrize("text", [
    "While Iran has fought the Islamic State group in neighbouring Syria, it has also supplied rifles to the Syrian army.",
    "Iran has fought the Islamic State group in Syria, but it has also supplied rifles to the Syrian army.",
])
def test_a_pronoun_after_the_first_clause_is_its_subject_not_the_nearest_place(text):
    assert tuples(text) == {("alleges", "IRN", "SYR", "small_arms")}


def test_a_denial_of_the_goods_referred_back_to_takes_the_claim_s_categories():
    text = ("US officials raised Khartoum's acquisition of Iranian drones. "
            "Sudan's government categorically denied acquiring the Iranian military equipment.")
    assert ("denies", "IRN", "SDN", "uav") in tuples(text)
    assert ("denies", "IRN", "SDN", "unspecified") not in tuples(text)


def test_a_denial_by_an_unknown_party_makes_the_denied_transfer_nobody_s_claim():
    text = "Replying to Washington, the government of President Mbeki categorically denied acquiring Iranian drones."
    assert tuples(text) == set()


@pytest.mark.parametrize(
    ("text", "supplier", "recipients"),
    [
        ("The S-400's customers include China, India and Turkey.", "RUS", {"CHN", "IND", "TUR"}),
        ("Customers for the Bayraktar TB2 have included Poland, Ukraine and Morocco.", "TUR", {"POL", "UKR", "MAR"}),
        ("Export buyers of French Rafale jets are Egypt, Qatar and India.", "FRA", {"EGY", "QAT", "IND"}),
        ("The Akinci is built by Baykar. Beyond Turkey, the drone's customers include Pakistan and Kyrgyzstan.",
         "TUR", {"PAK", "KGZ"}),
    ],
)
def test_a_weapon_s_customers_are_its_recipients(text, supplier, recipients):
    found = tuples(text)
    assert {t[1] for t in found} == {supplier}
    assert {t[2] for t in found} == recipients
    assert {s.status for s in extract(text).statements} == {"delivered"}


def test_a_named_system_exported_to_several_states_comes_from_its_maker():
    assert {t[1:3] for t in tuples("The TB2 has been exported to Poland, Ukraine and Morocco.")} == {
        ("TUR", "POL"), ("TUR", "UKR"), ("TUR", "MAR")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia is Bolivia's main arms supplier.", ("alleges", "RUS", "BOL", "unspecified")),
        ("China has become Pakistan's largest supplier of weapons.", ("alleges", "CHN", "PAK", "unspecified")),
    ],
)
def test_a_state_called_another_s_arms_supplier_supplies_it(text, expected):
    assert tuples(text) == {expected}


def test_what_can_be_exported_from_somewhere_is_no_transfer():
    text = ("Israel remains one of Baku's main arms suppliers. Cargo planes flew into an airfield from which "
            "explosives can be exported and returned to Baku.")
    assert tuples(text) == {("alleges", "ISR", "AZE", "unspecified")}


def test_thanks_to_is_because_of_not_gratitude_or_speech():
    text = ("Russia, thanks to recent agreements to sell 5,000 rifles and 12 helicopters, "
            "is now Bolivia's biggest arms supplier.")
    found = tuples(text)
    assert {("alleges", "RUS", "BOL", "small_arms"), ("alleges", "RUS", "BOL", "helicopter")} <= found
    assert not any(t[0] == "confirms" for t in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Embraer confirmed it had signed up the Colombian Air Force for 24 Super Tucano aircraft.",
         ("confirms", "BRA", "COL", "aircraft")),
        ("Houthi rebels got hold of Iranian missiles, the panel said.", ("alleges", "IRN", "houthis", "missile")),
        ("The complaint says US gunmakers knowingly allow Mexican cartels to get hold of rifles.",
         ("alleges", "USA", "cartels", "small_arms")),
        ("Iran helped the Houthis acquire ballistic missiles, the report said.",
         ("alleges", "IRN", "houthis", "ballistic_missile")),
    ],
)
def test_signing_up_a_buyer_getting_hold_of_goods_and_letting_others_acquire_them(text, expected):
    assert tuples(text) == {expected}


def test_a_buyer_signing_up_for_goods_is_not_their_supplier():
    assert not any(t[1] == "COL" for t in tuples("Colombia signed up for 24 Super Tucano aircraft."))


@pytest.mark.parametrize("text", [
    "Iran secretly arms Hezbollah, Israel says.",
    "The seizure was one of several by Western navies, which say Iran arms Hezbollah, an accusation Tehran rejects.",
])
def test_arms_as_a_verb_with_a_party_on_each_side(text):
    assert ("alleges", "IRN", "hezbollah", "unspecified") in tuples(text)


def test_arms_as_a_noun_before_a_party_is_no_verb():
    assert tuples("Iranian arms the Houthis used were found in the port.") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syria has acknowledged receiving drones from Iran but said they arrived before the war.",
         ("confirms", "IRN", "SYR", "uav")),
        ("Iran has admitted to sending drones to Russia.", ("confirms", "IRN", "RUS", "uav")),
    ],
)
def test_a_party_admitting_a_transfer_in_a_gerund_confirms_it(text, expected):
    assert tuples(text) == {expected}


def test_a_straight_opening_quote_belongs_to_the_quoted_sentence():
    text = 'A senior Belarusian official rejected the claims. "We have never sent weapons to Russia," the official said.'
    assert tuples(text) == {("denies", "BLR", "RUS", "unspecified")}
    quote = extract(text).statements[0].quote
    assert quote.startswith('"We have never')


def test_a_reduced_passive_by_agent_supplies_and_made_possible_is_no_hedge():
    text = ("The group's growth was made possible by the transfer of materiel and the training provided by "
            "the IRGC and Hezbollah to the Houthis, the experts wrote.")
    assert {("alleges", "IRN", "houthis", "unspecified"), ("alleges", "hezbollah", "houthis", "unspecified")} <= tuples(text)


def test_entities_within_a_state_speak_for_its_transfers():
    text = "There is evidence that entities within Iran are engaged in sending weapons components to the Houthis, the panel said."
    assert ("alleges", "IRN", "houthis", "components") in tuples(text)


def test_violating_an_embargo_by_sending_keeps_the_subject_before():
    assert tuples("UN experts: Iran violated arms embargo by sending weapons to Houthis") == {
        ("alleges", "IRN", "houthis", "unspecified")}


@pytest.mark.parametrize("text", [
    "The weapons reached the Houthis through the Iranian government, which has repeatedly denied sending them arms.",
    "The Houthis showed off new missiles. Iran has repeatedly denied sending them arms.",
])
def test_them_before_the_goods_is_the_group_named_before(text):
    assert ("denies", "IRN", "houthis", "unspecified") in tuples(text)


def test_unnamed_officials_are_not_the_last_speaker():
    text = "The Houthis showed off new missiles. Officials say Iran has been sending drones to the Houthis."
    assert claimants(text, "alleges", "IRN", "houthis") == {"media"}
    assert not any(t[0] == "confirms" for t in tuples(text))


def test_a_determination_approving_a_possible_sale_is_the_seller_s_confirmation():
    text = ("The US State Department has made a determination approving a possible Foreign Military Sale to Jordan "
            "of Javelin missiles, estimated at USD 80 million, it was announced on Tuesday.")
    assert tuples(text) == {("confirms", "USA", "JOR", "missile")}


def test_tank_ammunition_is_ammunition_not_tanks():
    text = "The State Department said it approved a possible sale to Poland of 14,000 rounds of tank ammunition."
    assert tuples(text) == {("confirms", "USA", "POL", "ammunition")}


def test_a_boat_smuggling_goods_on_a_route_is_not_the_navy_that_caught_it():
    text = ("The French navy said on Tuesday it had intercepted a fishing boat smuggling 3,000 assault rifles "
            "in the Gulf of Aden on a maritime route from Iran to Yemen.")
    assert tuples(text) == {("alleges", "IRN", "YEM", "small_arms")}
    assert claimants(text, "alleges", "IRN", "YEM") == {"FRA"}


def test_goods_smuggled_from_a_state_and_bound_for_another():
    text = "The navy said it seized rifles and ammunition being smuggled by a fishing ship from Iran likely bound for Yemen."
    assert tuples(text) == {("alleges", "IRN", "YEM", "small_arms"), ("alleges", "IRN", "YEM", "ammunition")}


def test_according_to_a_party_owns_the_evidence_it_cites():
    text = ("According to the UN document, evidence suggested that Qatar had sent weapons to the RSF "
            "via an airstrip in Chad several times a week.")
    assert claimants(text, "alleges", "QAT", "rsf") == {"un"}


def test_funnelling_weapons_is_supplying_them():
    assert tuples("The general said Qatar had funnelled weapons to the RSF through Uganda and Chad.") == {
        ("alleges", "QAT", "rsf", "unspecified")}


def test_the_signatory_of_an_agreement_to_supply_is_the_supplier():
    text = "Ankara has become a major arms exporter and recently signed an agreement to supply Romania with drones."
    assert ("alleges", "TUR", "ROU", "uav") in tuples(text)
    assert not any(t[1] != "TUR" for t in tuples(text))


def test_a_place_visited_before_a_pronoun_signatory_is_not_the_supplier():
    text = ("When the Russian defence minister visited Naypyitaw in January, he signed an agreement to supply "
            "the Myanmar military with Orlan-10 drones, Russia's defence ministry said.")
    assert ("confirms", "RUS", "MMR", "uav") in tuples(text)
    assert not any(t[1] == "MMR" for t in tuples(text))


@pytest.mark.parametrize("text", [
    "Washington was close to a deal to buy 100,000 artillery rounds from Seoul for delivery to Kyiv.",
    "The United States bought shells from South Korea, to be sent on to Ukraine.",
])
def test_goods_bought_for_delivery_to_a_third_party_are_passed_on(text):
    assert {t[1:3] for t in tuples(text)} == {("KOR", "USA"), ("USA", "UKR")}


def test_a_from_in_an_aside_is_not_the_source_of_goods_of_stated_origin():
    assert tuples("Niger receives massive supplies of Russian military hardware amid Moscow's pivot from Syria.") == {
        ("alleges", "RUS", "NER", "unspecified")}


def test_goods_received_for_the_armed_forces_of_a_state():
    text = ("The ruling junta reportedly received a new shipment of Russian equipment for the armed forces of Niger, "
            "including two Mi-35 attack helicopters.")
    assert tuples(text) == {("alleges", "RUS", "NER", "helicopter")}


def test_the_members_of_a_joint_force_are_recipients():
    text = "Russia has agreed to provide arms and military training to a newly formed joint force of Mali, Niger and Burkina Faso."
    assert {t[2] for t in tuples(text)} == {"MLI", "NER", "BFA"}


# ------------------------------------------------------------------ stop 20: forms found by reading more reporting

def test_a_hyphenated_weapon_name_holds_no_trigger():
    # "anti-ship" is a weapon's name, not "X-shipped": the sentence's own verb makes the frame
    assert tuples("Tehran sent anti-ship missiles to the Houthis last spring.") == {
        ("alleges", "IRN", "houthis", "cruise_missile")}


@pytest.mark.parametrize("text", [
    "Belarus handed drones to Russia, according to U.S. officials.",
    "According to U.S. officials, Belarus handed drones to Russia.",
])
def test_according_to_an_abbreviated_state_names_the_claimant(text):
    assert claimants(text, "alleges", "BLR", "RUS") == {"USA"}


@pytest.mark.parametrize("text", [
    "Jordan has never sent weapons to Syria's rebels or to Syria, the spokesman said.",
    "\"Jordan has not supplied arms or ammunition to Syria,\" a foreign ministry spokeswoman said.",
    "Amman has never shipped arms to Syria, the ministry said in a statement.",
])
def test_a_party_denying_through_an_official_named_by_title(text):
    assert ("denies", "JOR", "SYR", "unspecified") in tuples(text)
    assert not any(t[0] != "denies" for t in tuples(text))


def test_a_third_party_stated_absence_is_still_no_denial():
    # the unnamed official is not the subject's: nobody denies here
    assert tuples("There is no evidence Jordan has sent weapons to Syria, a UN official said.") == set()


@pytest.mark.parametrize("text", [
    "\"Not one drone was sent to Armenia,\" a Kazakh official said.",
    "A Kazakh minister denied the report, saying: \"No rifles were delivered to Armenia.\"",
])
def test_no_goods_as_a_passive_subject_is_a_denial(text):
    found = tuples(text)
    assert {t[:3] for t in found} == {("denies", "KAZ", "ARM")}


def test_an_accused_pronoun_is_the_accused_not_the_accuser():
    text = "Chad expelled the Libyan envoy, accusing it of smuggling rifles to rebels of the RSF."
    found = tuples(text)
    assert ("alleges", "LBY", "rsf", "small_arms") in found
    assert not any(t[1] == "TCD" for t in found)


@pytest.mark.parametrize(("text", "expected"), [
    ("Vietnam has long been the biggest buyer of Russian fighter jets in Southeast Asia.",
     ("alleges", "RUS", "VNM", "combat_aircraft")),
    ("Qatar, a major customer for French Rafale jets, hosted the show.", ("alleges", "FRA", "QAT", "combat_aircraft")),
    ("Morocco has emerged as an important buyer of drones from Israel.", ("alleges", "ISR", "MAR", "uav")),
])
def test_a_state_described_as_a_buyer_of_goods(text, expected):
    assert expected in tuples(text)


def test_a_buyer_of_other_goods_is_no_transfer():
    assert tuples("Vietnam is a major buyer of Russian fertiliser and Indian rice.") == set()


@pytest.mark.parametrize(("text", "supplier"), [
    ("Turkey accounted for about 40 percent of Qatar's arms imports in the period, the institute said.", "TUR"),
    ("Italy was the main source of Qatar's arms imports last year.", "ITA"),
])
def test_a_share_of_a_recipients_imports(text, supplier):
    assert {t[1:3] for t in tuples(text)} == {(supplier, "QAT")}


def test_got_goods_from_a_supplier():
    assert tuples("Armenia got Pinaka rocket launchers from India last year.") == {
        ("alleges", "IND", "ARM", "artillery")}


def test_a_denial_covers_every_listed_recipient():
    found = tuples("Kazakhstan has not sent weapons to either Armenia or Azerbaijan, a ministry spokesman said.")
    assert found == {("denies", "KAZ", "ARM", "unspecified"), ("denies", "KAZ", "AZE", "unspecified")}


def test_goods_reaching_a_state_through_another():
    assert tuples("The Bulgarian shells reached Ukraine through brokers in Poland, the investigation found.") == {
        ("alleges", "BGR", "UKR", "artillery")}


@pytest.mark.parametrize("text", [
    "Egypt had agreed to supply 40,000 rockets to Russia, according to a leaked U.S. document.",
    "Egypt agreed to supply rockets to Russia, documents seen by the newspaper show.",
])
def test_a_plan_known_from_papers_it_did_not_publish_is_no_confirmation(text):
    assert ("alleges", "EGY", "RUS", "artillery") in tuples(text)
    assert not any(t[0] == "confirms" for t in tuples(text))


def test_a_plan_the_party_announces_is_its_confirmation():
    assert ("confirms", "EGY", "RUS", "artillery") in tuples(
        "Egypt has agreed to supply rockets to Russia, its foreign minister announced.")


def test_ships_is_a_supply_verb_with_a_recipient():
    assert tuples("Exclusive: Belarus quietly ships mortars to Sudan's army") == {("alleges", "BLR", "SDN", "artillery")}
    assert tuples("The navy ships are due in port.") == set()


@pytest.mark.parametrize("text", [
    "A UN panel found that Eritrea had sent rifles to the RSF. Eritrea called the findings \"fabricated\".",
    "A UN panel found that Eritrea had sent rifles to the RSF. The Eritrean government called the findings fabricated.",
])
def test_calling_the_findings_false_denies_them(text):
    assert ("denies", "ERI", "rsf", "small_arms") in tuples(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("The Houthis have fired missiles supplied by Iran, according to the Pentagon.", ("alleges", "IRN", "houthis", "missile")),
    ("Hamas's arsenal is largely made up of rockets supplied by Iran.", ("alleges", "IRN", "hamas", "artillery")),
])
def test_the_user_of_goods_said_to_be_supplied_is_their_recipient(text, expected):
    assert tuples(text) == {expected}


@pytest.mark.parametrize("text", [
    "Rosoboronexport signed a contract with Laos for the supply of Yak-130 trainers.",
    "Russia signed a deal with Laos to supply Yak-130 trainers.",
])
def test_the_transfer_named_by_a_signed_deal_has_the_deals_parties(text):
    assert ("alleges", "RUS", "LAO", "aircraft") in tuples(text)


def test_we_received_is_the_speakers_side():
    text = "\"We have received the Caesar guns from France,\" Armenia's defence minister said."
    assert tuples(text) == {("confirms", "FRA", "ARM", "artillery")}  # the guns are the Caesars, no small arms


def test_ammunition_named_after_a_system_is_other_goods():
    found = tuples("The Pentagon announced a package for Kyiv, including HIMARS ammunition.")
    assert {t[3] for t in found} == {"artillery", "ammunition"}


def test_a_negated_comment_after_the_attribution_is_no_speaker():
    text = "Cuba has acquired Iranian drones, the opposition claimed, though Havana did not comment."
    assert tuples(text) == {("alleges", "IRN", "CUB", "uav")}  # Havana said nothing: no confirmation


def test_goods_in_exchange_from_a_named_third_party():
    found = tuples("Cyprus will send its old Tor systems to Armenia in exchange for Patriot batteries from the United States.")
    assert ("alleges", "USA", "CYP", "air_defence") in found
    assert ("alleges", "ARM", "CYP", "air_defence") not in found


def test_goods_found_somewhere_are_no_speech():
    # "were found in Mali" is not someone finding: the sale stays the outlet's claim
    assert tuples("The rifles that Serbia had sold to Burkina Faso were found in Mali.") == {
        ("alleges", "SRB", "BFA", "small_arms")}


def test_goods_a_relative_clause_hangs_on():
    assert tuples("The drones, which the UAE gave to the RSF, were destroyed in the strike.") == {
        ("alleges", "ARE", "rsf", "uav")}


def test_a_subject_relative_keeps_its_antecedent_as_the_supplier():
    assert tuples("Latvia, which has sent howitzers to Ukraine, is a NATO member.") == {("alleges", "LVA", "UKR", "artillery")}


def test_an_aside_about_the_denier_is_the_outlets_claim():
    found = tuples("Iran, which sent drones to Russia, denied it.")
    assert ("alleges", "IRN", "RUS", "uav") in found
    assert ("confirms", "IRN", "RUS", "uav") not in found


def test_a_pronoun_after_someones_claims_is_the_subject():
    found = tuples("Oman rejects US claims it armed Houthis with anti-ship missiles")
    assert ("denies", "OMN", "houthis", "cruise_missile") in found
    assert not any(t[1] == "USA" for t in found)


def test_confirming_shipments_confirms_the_speakers_own():
    assert tuples("Seoul confirms shell shipments to US for Ukraine") == {("confirms", "KOR", "USA", "artillery")}
    # a third party confirming someone else's goods still names their origin
    assert tuples("Ukraine confirmed new deliveries of Iranian drones to Russia.") == {("alleges", "IRN", "RUS", "uav")}


def test_a_participle_after_said_speaks_for_the_same_speaker():
    # "the report said, adding ..." is the report's, not the sentence's first actor's
    found = tuples("Israel has supplied Azerbaijan with drones for years, the report said, adding that Baku paid with oil.")
    assert found == {("alleges", "ISR", "AZE", "uav")}


def test_the_full_stop_of_an_abbreviated_subject_ends_no_clause():
    assert ("confirms", "USA", "ISR", "ammunition") in tuples("The U.S. will provide Israel with 14,000 MK-84 bombs.")


# ------------------------------------------------------------------ denials and claims of neutral exporters

def test_two_negated_verbs_share_the_goods_after_the_second():
    # "has not supplied and will not supply X to Y": a denial of the past, not only a refusal of the future
    found = tuples("Bulgarian President Rumen Petrov said Bulgaria has not supplied and will not supply "
                   "weapons and ammunition to Ukraine.")
    assert found == {("denies", "BGR", "UKR", "unspecified"), ("denies", "BGR", "UKR", "ammunition")}
    # the same coordination without a negation is an ordinary claim
    assert tuples("Chile built and shipped two patrol boats to Ecuador, the report said.") >= {
        ("alleges", "CHL", "ECU", "naval")}


def test_not_a_single_unit_of_goods_is_negated_however_long_the_noun():
    found = tuples("Bulgarian President Rumen Petrov said on Sunday that not a single unit of Bulgarian weapons "
                   "was sold either to Russia or to Ukraine.")
    assert found == {("denies", "BGR", "RUS", "unspecified"), ("denies", "BGR", "UKR", "unspecified")}


def test_goods_that_made_their_way_somewhere_with_an_adverb():
    assert tuples("Bulgarian mortar rounds worth $300 million have made their way indirectly to Ukraine, "
                  "the newspaper reported.") == {("alleges", "BGR", "UKR", "artillery")}


def test_goods_made_to_be_shipped_are_the_makers_planned_supply():
    found = extract("A leaked memo says Morocco secretly planned to produce up to 20,000 artillery shells "
                    "to be shipped to Ukraine.").statements
    assert {(s.stance, s.supplier, s.recipient, s.category, s.status) for s in found} == {
        ("alleges", "MAR", "UKR", "artillery", "planned")}


def test_a_speaker_who_downed_supplied_goods_is_not_their_supplier():
    # the passive's missing agent is the claimant only in "X said the missiles were delivered"
    assert tuples("The Sudanese army said it had shot down a drone supplied to the RSF by a foreign state.") == set()
    assert tuples("Britain said the missiles had been delivered to Ukraine last week.") == {
        ("confirms", "GBR", "UKR", "missile")}


def test_the_company_said_after_its_own_delivery_confirms():
    assert tuples("Lockheed Martin has delivered the first F-16 Block 70 jets to Bulgaria, the company said.") == {
        ("confirms", "USA", "BGR", "combat_aircraft")}
    assert claimants("Turkey's Baykar has delivered a second batch of TB2 drones to Mali, the company said in a statement.",
                     "confirms", "TUR", "MLI") == {"TUR"}


def test_denouncing_allegations_denies_them():
    found = tuples('Laos has denounced allegations that it supplied rockets to Hamas as "sheer fiction."')
    assert found == {("denies", "LAO", "hamas", "artillery"), ("alleges", "LAO", "hamas", "artillery")}
    assert claimants('Laos has denounced allegations that it supplied rockets to Hamas.', "alleges", "LAO", "hamas") == {None}


def test_the_passives_subject_is_its_goods_not_the_place_they_left():
    assert tuples("Several drones had been shipped to Russia from a Malaysian factory for trials, the documents show.") == {
        ("alleges", "MYS", "RUS", "uav")}


def test_securing_goods_from_a_supplier_is_acquiring_them():
    found = extract("Hamas had already paid a deposit to secure more rockets from Laos, the newspaper reported.").statements
    assert {(s.stance, s.supplier, s.recipient, s.category, s.status) for s in found} == {
        ("alleges", "LAO", "hamas", "artillery", "planned")}
    assert tuples("The army secured the weapons depot after the attack.") == set()


def test_who_slams_or_denounces_a_supplier_accuses_it():
    assert claimants("Laos slammed Washington for sending cluster munitions to Ukraine.", "alleges", "USA", "UKR") == {"LAO"}
    assert claimants("Laos denounced the United States for supplying rockets to Israel.", "alleges", "USA", "ISR") == {"LAO"}


# ------------------------------------------------------------------ arms-trade statistics

def test_displacing_another_supplier_names_both():
    assert tuples("Spain has overtaken the United States as Chile's largest arms supplier, the institute said.") == {
        ("alleges", "ESP", "CHL", "unspecified"), ("alleges", "USA", "CHL", "unspecified")}


def test_with_a_supplier_as_its_main_one():
    assert tuples("Peru's arms imports rose by 14%, with Spain as its main supplier.") == {("alleges", "ESP", "PER", "unspecified")}
    assert tuples("Spain is Peru's main supplier of olive oil.") == set()


def test_a_share_of_a_suppliers_exports_received():
    assert tuples("Chile received nearly a third of Spain's arms exports in 2019-23.") == {("alleges", "ESP", "CHL", "unspecified")}


# ------------------------------------------------------------------ seizures and sightings

def test_goods_received_that_were_made_in_a_state():
    # an appositive naming where the goods were made gives the supplier of an acquisition
    assert tuples("Mali received shipments of the Orion, a single-engine drone manufactured in Russia, "
                  "said three Western officials.") == {("alleges", "RUS", "MLI", "uav")}


def test_a_counted_engine_describes_the_aircraft():
    assert tuples("Turkey sold twin-engine helicopters to Nigeria.") == {("alleges", "TUR", "NGA", "helicopter")}
    assert tuples("China sold jet engines to Russia.") == {("alleges", "CHN", "RUS", "components")}


def test_parts_for_two_kinds_of_goods_are_parts():
    assert tuples("The seized cargo held Iranian-made components for ballistic missiles and cruise missiles "
                  "bound for the Houthis.") == {("alleges", "IRN", "houthis", "components")}


def test_a_shipment_of_aid_is_one_transfer():
    assert tuples('"It is clear that Iran continues shipment of advanced lethal aid to the Houthis," the general said.') == {
        ("alleges", "IRN", "houthis", "unspecified")}


def test_a_possessive_names_who_sent_goods_that_arrived():
    assert tuples("A convoy reportedly carrying Israel's Barak missiles has reached Cyprus via Greece, the website claimed.") >= {
        ("alleges", "ISR", "CYP", "missile")}
    assert tuples("Estonia's howitzers reached the front.") == set()


def test_a_suspended_export_is_not_happening():
    assert tuples("The direct export to Egypt of Belgian-made F-16 components is still suspended.") == set()
    assert tuples("Russia's sale of S-400s to Turkey was halted last year.") == set()
    assert tuples("Russia's sale of S-400s to Turkey was completed last year.") == {("alleges", "RUS", "TUR", "air_defence")}


# ------------------------------------------------------------------ trafficking

def test_goods_trafficked_or_smuggled_from_a_state():
    assert tuples("Arms trafficking from Brazil to Paraguay has surged, the report said.") == {
        ("alleges", "BRA", "PRY", "unspecified")}
    assert tuples("Arms smuggling from Iran to Yemen has surged.") == {("alleges", "IRN", "YEM", "unspecified")}
    assert tuples("Canada pledged to help Haiti fight arms trafficking.") == set()


def test_goods_on_someones_streets_are_from_a_state():
    assert tuples("Most guns on Jamaica's streets are from the United States, according to the United Nations.") == {
        ("alleges", "USA", "JAM", "small_arms")}
    assert tuples("The ambassador is from Russia.") == set()


def test_a_possessive_purchase_is_the_buyers():
    assert tuples("Officials raised concerns over Nairobi's purchase and use of Iranian drones.") == {
        ("alleges", "IRN", "KEN", "uav")}


# ------------------------------------------------------------------ sale notifications

def test_notifying_congress_of_a_sale_is_the_sellers_planned_sale():
    found = extract("The Biden administration formally notified Congress on Tuesday of a $900 million arms sale package "
                    "for Vietnam, including patrol boats and anti-tank missiles.").statements
    assert {(s.stance, s.supplier, s.recipient, s.category, s.status) for s in found} == {
        ("confirms", "USA", "VNM", "naval", "planned"), ("confirms", "USA", "VNM", "missile", "planned")}


def test_it_after_a_notifying_government_is_that_government():
    assert tuples("The Trump administration notified Congress that it intends to sell Vietnam a $400 million arms package.") == {
        ("confirms", "USA", "VNM", "unspecified")}


# ------------------------------------------------------------------ headline denials

def test_rejecting_a_claim_of_sales_denies_the_deniers_own():
    found = extract('Pyongyang rejects US claim of arms sales to Russia as "groundless"').statements
    assert {(s.stance, s.supplier, s.recipient, s.category, s.claimant) for s in found} == {
        ("denies", "PRK", "RUS", "unspecified", "PRK"), ("alleges", "PRK", "RUS", "unspecified", "USA")}
    # a buyer's denial of purchases: the denier is the recipient
    assert ("denies", "RUS", "IRN", "uav") in tuples("Iran denied reports of drone purchases from Russia.")


def test_a_headline_speaker_before_a_colon():
    assert tuples("Belarus: we did not send tanks to Russia") == {("denies", "BLR", "RUS", "armoured_vehicle")}
    assert tuples("Armenia: we have received howitzers from India") == {("confirms", "IND", "ARM", "artillery")}
    # a topic label before a colon is nobody's speech
    assert claimants("Ukraine: Iran sent drones to Russia", "alleges", "IRN", "RUS") == {"media"}


def test_goods_from_a_state_that_arrived_for_the_speaker():
    assert tuples("The first batch of Leopard tanks from Portugal has arrived, Ukrainian defence minister "
                  "Oleksii Reznikov said.") == {("confirms", "PRT", "UKR", "armoured_vehicle")}


def test_thanking_for_a_delivery_names_its_goods():
    found = extract("Kyiv thanked Berlin for the delivery of IRIS-T air defence systems.").statements
    assert {(s.stance, s.supplier, s.recipient, s.category, s.system) for s in found} == {
        ("confirms", "DEU", "UKR", "air_defence", "IRIS-T")}


# ------------------------------------------------------------------ hedge words inside names

def test_no_actor_name_reads_as_a_hedge():
    # a refusal, condition, negation or no-evidence pattern that matched inside a name ("ban" in Bangladesh,
    # "Bangkok"; "deter" in "deteriorated") silently dropped every transfer of the sentence
    from app.extract import patterns as P
    from app.taxonomy import load_taxonomy

    hedges = (P.REFUSAL_RE, P.CONDITIONAL_RE, P.NO_EVIDENCE_RE, P.NEGATION_RE)
    for actor in load_taxonomy().actors:
        for name in [actor.name, *actor.aliases]:
            for form in (name, name.upper()):
                assert not any(rx.search(form) for rx in hedges), (actor.code, form)


@pytest.mark.parametrize("text, expected", [
    ("BANGKOK (Reuters) - Myanmar has received six aircraft from China.", ("alleges", "CHN", "MMR", "aircraft")),
    ("The Bangladeshi army received Chinese tanks.", ("alleges", "CHN", "BGD", "armoured_vehicle")),
    ("Bangladesh said Russia sold MiG-29 jets to Myanmar.", ("alleges", "RUS", "MMR", "combat_aircraft")),
    ("As relations deteriorated, Russia sold jets to Iran.", ("alleges", "RUS", "IRN", "combat_aircraft")),
])
def test_sentences_naming_such_places_keep_their_transfer(text, expected):
    assert expected in tuples(text)


def test_the_military_refers_to_the_state_whose_military_was_named():
    text = ("Myanmar's military government has taken delivery of six FTC-2000G light combat aircraft from China, "
            "a rights group said on Thursday, accusing Beijing of fuelling air strikes.\n\n"
            "Russia has also supplied the military with Yak-130 trainers and Mi-35 helicopters, according to the United Nations.")
    found = {(s.stance, s.supplier, s.recipient, s.category, s.claimant) for s in extract(text).statements}
    assert ("alleges", "RUS", "MMR", "helicopter", "un") in found
    # an unnamed rights group's claim is nobody's in particular; the accused is not its speaker
    assert ("alleges", "CHN", "MMR", "aircraft", None) in found
    assert not any(s == "confirms" for s, *_ in found)
    assert tuples("Russia has also supplied the military with Mi-35 helicopters.") == set()  # no military named before


def test_endorsing_is_not_ending():
    assert ("confirms", "DEU", "UKR", "armoured_vehicle") in tuples(
        "Germany endorsed its plan to supply tanks to Ukraine last year and delivered them in March.")


def test_its_shipments_after_a_transfer_are_the_suppliers():
    # "its" is the subject that shipped, not the recipient named after "to" (never the pair turned round)
    assert tuples("Iran sold drones to Russia and has since stepped up its shipments.") == {("alleges", "IRN", "RUS", "uav")}
    assert ("alleges", "IRN", "RUS", "uav") in tuples(
        "Kyiv should cut ties with Tehran over its supply of drones to Moscow, the minister said.")


def test_a_gapped_second_purchase_or_delivery():
    assert tuples("Egypt purchased Rafale jets from France in 2015 and MiG-29s from Russia in 2017.") == {
        ("alleges", "FRA", "EGY", "combat_aircraft"), ("alleges", "RUS", "EGY", "combat_aircraft")}
    assert tuples("Poland sent tanks to Ukraine and howitzers to Moldova.") == {
        ("alleges", "POL", "UKR", "armoured_vehicle"), ("alleges", "POL", "MDA", "artillery")}
    # a second verb is not a gap
    assert tuples("Iran bought jets from Russia and sold drones to Sudan.") == {
        ("alleges", "RUS", "IRN", "combat_aircraft"), ("alleges", "IRN", "SDN", "uav")}


# ------------------------------------------------------------------ raising passives

@pytest.mark.parametrize("text, expected", [
    ("Iran is said to be preparing to send ballistic missiles to Russia.", ("alleges", "IRN", "RUS", "ballistic_missile")),
    ("Belarus said to have sent tanks to Russia", ("alleges", "BLR", "RUS", "armoured_vehicle")),
    ("Iraqi militias said to be funnelling rockets to the Houthis", ("alleges", "pmf", "houthis", "artillery")),
])
def test_is_said_to_is_nobodys_speech_and_keeps_its_subject(text, expected):
    found = tuples(text)
    assert expected in found
    assert not any(t[0] == "confirms" for t in found)  # not the subject's own statement or plan


def test_no_truth_to_an_allegation_denies_it():
    found = tuples('"There is no truth to the allegation that we sold tanks to Sudan," Chad\'s defence minister told reporters.')
    assert found == {("denies", "TCD", "SDN", "armoured_vehicle"), ("alleges", "TCD", "SDN", "armoured_vehicle")}


def test_denouncing_without_a_predicate_word_still_denies():
    assert ("denies", "LAO", "hamas", "artillery") in tuples("Laos has denounced allegations that it supplied rockets to Hamas.")


# ------------------------------------------------------------------ institutions and companies are not goods

def test_an_arms_procurement_agency_is_an_office_not_a_purchase():
    found = tuples("Two South Korean companies have agreed a $3 billion deal with Romania to export tanks and howitzers, "
                   "Seoul's arms procurement agency said on Saturday.")
    assert found == {("confirms", "KOR", "ROU", "armoured_vehicle"), ("confirms", "KOR", "ROU", "artillery")}


def test_an_arms_company_is_not_arms():
    assert tuples("Romania said it would buy 12 AW149 helicopters from Italian arms company Leonardo.") == {
        ("confirms", "ITA", "ROU", "helicopter")}


# ------------------------------------------------------------------ comparisons set off by commas, reported plans

@pytest.mark.parametrize(("text", "expected"), [
    ("Serbia, unlike Hungary, has sent ammunition to Ukraine, the report said.", ("alleges", "SRB", "UKR", "ammunition")),
    ("Turkey, like Ukraine before it, has bought Chinese drones.", ("alleges", "CHN", "TUR", "uav")),
    ("Belarus, as it did with Ukrainian officials last year, sent tanks to Russia.",
     ("alleges", "BLR", "RUS", "armoured_vehicle")),
    ("Belarus, as it has with previous Ukrainian intelligence findings, has denied supplying Russia with artillery shells.",
     ("denies", "BLR", "RUS", "artillery")),
])
def test_a_comparison_between_commas_is_not_the_subject(text, expected):
    found = tuples(text)
    assert expected in found
    named_in_aside = {"HUN", "UKR"} - {expected[1], expected[2]}
    assert not any(t[1] in named_in_aside or t[2] in named_in_aside for t in found)


@pytest.mark.parametrize("text", [
    "The US is deeply concerned by reports that North Korea is planning to deliver hundreds of ballistic missiles to Russia.",
    "Kyiv pointed to signs that Minsk is preparing to send tanks to Russia.",
])
def test_a_plan_that_reports_describe_is_an_allegation_not_the_partys_own(text):
    found = tuples(text)
    assert found and all(t[0] == "alleges" for t in found)


@pytest.mark.parametrize(("text", "status"), [
    ("The head of Turkey's arms exporter said the country had fulfilled a contract to deliver drones to Kenya.", "delivered"),
    ("Turkey signed a contract to deliver drones to Kenya.", "planned"),
])
def test_a_fulfilled_contract_is_a_delivery_not_a_plan(text, status):
    found = {(s.supplier, s.recipient, s.status) for s in extract(text).statements}
    assert found and found == {("TUR", "KEN", status)}


# ------------------------------------------------------------------ a denial trailing the claim it answers

def test_a_claim_the_party_denies_is_not_its_own_statement():
    text = "Belarus has sent artillery shells to Russia, according to Lithuania, a claim Minsk denies."
    assert tuples(text) == {("alleges", "BLR", "RUS", "artillery"), ("denies", "BLR", "RUS", "artillery")}
    assert claimants(text, "alleges", "BLR", "RUS") == {"LTU"}


@pytest.mark.parametrize("text", [
    "Belarus is accused of sending artillery shells to Russia, which it denies.",
    "Belarus is accused of sending artillery shells to Russia, which it has repeatedly denied.",
    "Belarus is accused of sending artillery shells to Russia via neighbouring Ukraine, a charge it has denied.",
])
def test_which_it_denies_is_the_subjects_denial(text):
    assert ("denies", "BLR", "RUS", "artillery") in tuples(text)
    assert claimants(text, "denies", "BLR", "RUS") == {"BLR"}


def test_denying_any_role_in_a_supply_denies_it():
    assert tuples("Belarus has repeatedly denied any role in providing weapons to Russia.") == {
        ("denies", "BLR", "RUS", "unspecified")}


@pytest.mark.parametrize("denial", [
    "Both countries deny the allegations.",
    "Both deny it.",
    "The two governments have repeatedly denied the claims.",
])
def test_both_parties_denying_answers_the_claim_just_made(denial):
    text = "Lithuania says Belarus has sent thousands of artillery shells to Russia. " + denial
    assert tuples(text) == {("alleges", "BLR", "RUS", "artillery"), ("denies", "BLR", "RUS", "artillery")}


def test_both_with_no_claim_before_denies_nothing():
    assert tuples("Both countries deny the allegations.") == set()


@pytest.mark.parametrize(("text", "expected", "claimant"), [
    ("Spain's latest package for Kyiv includes ten Leopard 2 tanks, the defence ministry said.",
     ("confirms", "ESP", "UKR", "armoured_vehicle"), "ESP"),
    ("Romania bought 54 Abrams tanks from the United States, the government said.",
     ("confirms", "USA", "ROU", "armoured_vehicle"), "ROU"),
    ("Russia sent tanks to Belarus, the Lithuanian defence ministry said.",
     ("alleges", "RUS", "BLR", "armoured_vehicle"), "LTU"),
])
def test_the_ministry_after_a_partys_own_transfer_speaks_for_that_party(text, expected, claimant):
    assert tuples(text) == {expected}
    assert claimants(text, *expected[:3]) == {claimant}


@pytest.mark.parametrize(("text", "expected"), [
    ("Saudi Arabia has long accused Iran of smuggling weapons to the Houthis through Oman.", ("alleges", "IRN", "houthis", "unspecified")),
    ("Kenya accuses Somalia of trafficking thousands of rifles to al-Shabaab.", ("alleges", "SOM", "al_shabaab", "small_arms")),
])
def test_smuggling_with_goods_as_its_object_is_the_accused_partys_supply(text, expected):
    assert expected in tuples(text)


def test_the_smuggling_of_weapons_names_no_supplier():
    assert tuples("Egypt stepped up the fight against the smuggling of weapons into Libya.") == set()


@pytest.mark.parametrize(("text", "system"), [
    ("Greece will send its BMP-1s to Ukraine.", "BMP-1"),
    ("Ukraine got BMP-2s from the Czech Republic.", "BMP-2"),
    ("Russia has sent BMPs to Mali.", None),
])
def test_each_bmp_variant_is_its_own_system(text, system):
    found = {(s.category, s.system) for s in extract(text).statements}
    assert found == {("armoured_vehicle", system)}


@pytest.mark.parametrize(("text", "status"), [
    ("Kazakhstan has ordered Turkish Anka drones.", "planned"),
    ("Uzbekistan has expressed interest in acquiring Akinci drones from Turkey.", "planned"),
    ("Kenya took delivery of the first Anka drones from Turkey on Friday.", "delivered"),
    ("Kenya will take delivery of the first Anka drones from Turkey next year.", "planned"),
])
def test_orders_and_interest_are_plans_taking_delivery_is_done(text, status):
    assert {s.status for s in extract(text).statements} == {status}


def test_the_ah_1z_is_not_the_ah_1j():
    assert {s.system for s in extract("Nigeria has taken delivery of 12 AH-1Z helicopters from the United States.").statements} == {"AH-1Z"}


def test_imports_after_its_subject_is_the_verb():
    assert tuples("Armenia imports most of its weapons from Russia and India.") == {
        ("alleges", "RUS", "ARM", "unspecified"), ("alleges", "IND", "ARM", "unspecified")}
    assert tuples("Armenia's imports of Russian weapons fell.") == {("alleges", "RUS", "ARM", "unspecified")}
