"""Word lists for the synthetic corpus: states, groups, weapons, officials, outlets.

Invented people and outlets only; states, groups and weapon systems are real
names so the extractor's taxonomy recognises them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Party:
    code: str  # ISO 3166-1 alpha-3 or group slug
    name: str  # as it reads mid-sentence: "Iran", "the United States", "the Houthis"
    metonym: str  # "Tehran", "Washington", "the group"
    demonym: str  # "Iranian"
    city: str  # dateline city


STATES: tuple[Party, ...] = (
    Party("IRN", "Iran", "Tehran", "Iranian", "TEHRAN"),
    Party("RUS", "Russia", "Moscow", "Russian", "MOSCOW"),
    Party("PRK", "North Korea", "Pyongyang", "North Korean", "SEOUL"),
    Party("USA", "the United States", "Washington", "American", "WASHINGTON"),
    Party("UKR", "Ukraine", "Kyiv", "Ukrainian", "KYIV"),
    Party("CHN", "China", "Beijing", "Chinese", "BEIJING"),
    Party("BLR", "Belarus", "Minsk", "Belarusian", "MINSK"),
    Party("GBR", "Britain", "London", "British", "LONDON"),
    Party("DEU", "Germany", "Berlin", "German", "BERLIN"),
    Party("FRA", "France", "Paris", "French", "PARIS"),
    Party("TUR", "Turkey", "Ankara", "Turkish", "ANKARA"),
    Party("ISR", "Israel", "Jerusalem", "Israeli", "JERUSALEM"),
    Party("AZE", "Azerbaijan", "Baku", "Azerbaijani", "BAKU"),
    Party("ARM", "Armenia", "Yerevan", "Armenian", "YEREVAN"),
    Party("IND", "India", "New Delhi", "Indian", "NEW DELHI"),
    Party("PAK", "Pakistan", "Islamabad", "Pakistani", "ISLAMABAD"),
    Party("KOR", "South Korea", "Seoul", "South Korean", "SEOUL"),
    Party("POL", "Poland", "Warsaw", "Polish", "WARSAW"),
    Party("TWN", "Taiwan", "Taipei", "Taiwanese", "TAIPEI"),
    Party("JPN", "Japan", "Tokyo", "Japanese", "TOKYO"),
    Party("SYR", "Syria", "Damascus", "Syrian", "DAMASCUS"),
    Party("VEN", "Venezuela", "Caracas", "Venezuelan", "CARACAS"),
    Party("MLI", "Mali", "Bamako", "Malian", "BAMAKO"),
    Party("SDN", "Sudan", "Khartoum", "Sudanese", "PORT SUDAN"),
    Party("ARE", "the United Arab Emirates", "Abu Dhabi", "Emirati", "ABU DHABI"),
    Party("SAU", "Saudi Arabia", "Riyadh", "Saudi", "RIYADH"),
    Party("EGY", "Egypt", "Cairo", "Egyptian", "CAIRO"),
    Party("MMR", "Myanmar", "Naypyidaw", "Myanmar", "YANGON"),
    Party("SRB", "Serbia", "Belgrade", "Serbian", "BELGRADE"),
    Party("HUN", "Hungary", "Budapest", "Hungarian", "BUDAPEST"),
    Party("CZE", "the Czech Republic", "Prague", "Czech", "PRAGUE"),
    Party("SVK", "Slovakia", "Bratislava", "Slovak", "BRATISLAVA"),
    Party("DNK", "Denmark", "Copenhagen", "Danish", "COPENHAGEN"),
    Party("NLD", "the Netherlands", "The Hague", "Dutch", "THE HAGUE"),
    Party("NOR", "Norway", "Oslo", "Norwegian", "OSLO"),
    Party("SWE", "Sweden", "Stockholm", "Swedish", "STOCKHOLM"),
    Party("ITA", "Italy", "Rome", "Italian", "ROME"),
    Party("ESP", "Spain", "Madrid", "Spanish", "MADRID"),
    Party("GRC", "Greece", "Athens", "Greek", "ATHENS"),
    Party("EST", "Estonia", "Tallinn", "Estonian", "TALLINN"),
    Party("IRQ", "Iraq", "Baghdad", "Iraqi", "BAGHDAD"),
    Party("LBY", "Libya", "Tripoli", "Libyan", "TRIPOLI"),
    Party("ETH", "Ethiopia", "Addis Ababa", "Ethiopian", "ADDIS ABABA"),
    Party("NGA", "Nigeria", "Abuja", "Nigerian", "ABUJA"),
    Party("BRA", "Brazil", "Brasilia", "Brazilian", "BRASILIA"),
    Party("IDN", "Indonesia", "Jakarta", "Indonesian", "JAKARTA"),
    Party("VNM", "Vietnam", "Hanoi", "Vietnamese", "HANOI"),
    Party("PHL", "the Philippines", "Manila", "Philippine", "MANILA"),
    Party("KAZ", "Kazakhstan", "Astana", "Kazakh", "ASTANA"),
    Party("QAT", "Qatar", "Doha", "Qatari", "DOHA"),
    Party("AUS", "Australia", "Canberra", "Australian", "CANBERRA"),
    Party("CAN", "Canada", "Ottawa", "Canadian", "OTTAWA"),
)

GROUPS: tuple[Party, ...] = (
    Party("houthis", "the Houthis", "the Houthis", "Houthi", "SANAA"),
    Party("hezbollah", "Hezbollah", "Hezbollah", "Hezbollah", "BEIRUT"),
    Party("wagner", "the Wagner Group", "Wagner", "Wagner", "BAMAKO"),
    Party("hamas", "Hamas", "Hamas", "Hamas", "GAZA"),
    Party("rsf", "the Rapid Support Forces", "the RSF", "RSF", "KHARTOUM"),
)

PARTIES: dict[str, Party] = {p.code: p for p in STATES + GROUPS}

# Weapon categories (SCHEMA.md slugs) with generic phrases and named systems as
# (system name, the noun it reads with).
CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "uav": (
        ("attack drones", "drones", "kamikaze drones", "unmanned aerial vehicles", "loitering munitions", "combat drones"),
        (("Shahed-136", "drones"), ("Shahed-131", "drones"), ("Mohajer-6", "drones"), ("Bayraktar TB2", "drones"),
         ("Lancet", "loitering munitions"), ("Orlan-10", "drones"), ("Wing Loong II", "drones"), ("Harop", "loitering munitions"),
         ("Akinci", "drones"), ("Hermes 900", "drones")),
    ),
    "combat_aircraft": (
        ("fighter jets", "warplanes", "combat aircraft", "fighter aircraft"),
        (("Su-35", "fighter jets"), ("MiG-29", "fighter jets"), ("F-16", "fighter jets"), ("Su-30SM", "fighters"),
         ("J-10C", "fighter jets"), ("JF-17", "fighters"), ("Rafale", "fighter jets"), ("Gripen", "fighters"), ("FA-50", "light combat aircraft")),
    ),
    "aircraft": (
        ("transport aircraft", "trainer jets", "maritime patrol aircraft"),
        (("Yak-130", "trainer jets"), ("C-130", "transport aircraft"), ("Il-76", "transport planes"), ("C-295", "transport aircraft")),
    ),
    "helicopter": (
        ("helicopters", "attack helicopters", "military helicopters"),
        (("Mi-28", "attack helicopters"), ("Mi-17", "helicopters"), ("Ka-52", "attack helicopters"), ("AH-64E", "attack helicopters"),
         ("Black Hawk", "helicopters"), ("Mi-35", "helicopters")),
    ),
    "air_defence": (
        ("air defence systems", "air defense systems", "surface-to-air missiles", "anti-aircraft systems", "MANPADS"),
        (("S-400", "air defence systems"), ("S-300", "air defence systems"), ("Patriot", "air defense systems"), ("NASAMS", "air defence systems"),
         ("IRIS-T", "air defence systems"), ("Pantsir-S1", "air defence systems"), ("HQ-9", "surface-to-air missiles"), ("Stinger", "missiles")),
    ),
    "ballistic_missile": (
        ("ballistic missiles", "short-range ballistic missiles", "close-range ballistic missiles"),
        (("Fath-360", "ballistic missiles"), ("Fateh-110", "ballistic missiles"), ("KN-23", "ballistic missiles"), ("Zolfaghar", "missiles"),
         ("Iskander", "missile systems"), ("ATACMS", "missiles"), ("Hwasong-11", "missiles")),
    ),
    "cruise_missile": (
        ("cruise missiles", "anti-ship missiles", "long-range cruise missiles"),
        (("Storm Shadow", "cruise missiles"), ("Kalibr", "cruise missiles"), ("Harpoon", "anti-ship missiles"), ("BrahMos", "cruise missiles"),
         ("Noor", "anti-ship missiles"), ("Quds-1", "cruise missiles")),
    ),
    "missile": (
        ("anti-tank missiles", "missiles", "guided missiles", "air-to-air missiles"),
        (("Kornet", "anti-tank missiles"), ("Javelin", "anti-tank missiles"), ("NLAW", "anti-tank weapons"), ("Spike", "anti-tank missiles")),
    ),
    "artillery": (
        ("artillery shells", "artillery", "rockets", "howitzers", "multiple rocket launchers", "152mm shells"),
        (("HIMARS", "rocket launchers"), ("Caesar", "howitzers"), ("K9", "self-propelled howitzers"), ("M777", "howitzers"),
         ("BM-21 Grad", "rocket launchers"), ("Koksan", "self-propelled guns"), ("Chunmoo", "rocket launchers")),
    ),
    "ammunition": (
        ("ammunition", "munitions", "small-arms ammunition", "guided bombs"),
        (),
    ),
    "small_arms": (
        ("rifles", "machine guns", "small arms", "rocket-propelled grenades"),
        (("AK-47", "rifles"), ("AK-103", "assault rifles")),
    ),
    "armoured_vehicle": (
        ("tanks", "armoured vehicles", "infantry fighting vehicles", "armoured personnel carriers"),
        (("Leopard 2", "tanks"), ("M1 Abrams", "tanks"), ("T-72", "tanks"), ("K2", "tanks"), ("Bradley", "fighting vehicles"),
         ("Challenger 2", "tanks"), ("T-90", "tanks"), ("BTR-82", "armoured personnel carriers")),
    ),
    "naval": (
        ("warships", "fast attack boats", "submarines", "frigates", "patrol boats"),
        (("Hangor", "submarines"), ("FREMM", "frigates"), ("Kilo-class", "submarines"), ("Peykaap III", "fast attack boats"),
         ("MILGEM", "corvettes")),
    ),
    "components": (
        ("drone engines", "missile components", "microelectronics", "dual-use components", "machine tools for arms production"),
        (),
    ),
    "unspecified": (
        ("weapons", "arms", "military equipment", "lethal aid", "military assistance"),
        (),
    ),
}

# Transfers that dominate real reporting, weighted; the tail is drawn at random.
HEAD_PAIRS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("IRN", "RUS", ("uav", "ballistic_missile", "ammunition", "artillery", "components"), 30),
    ("PRK", "RUS", ("artillery", "ballistic_missile", "ammunition", "small_arms"), 22),
    ("RUS", "IRN", ("combat_aircraft", "air_defence", "helicopter", "aircraft"), 14),
    ("USA", "UKR", ("air_defence", "artillery", "armoured_vehicle", "ballistic_missile", "missile", "combat_aircraft"), 20),
    ("DEU", "UKR", ("armoured_vehicle", "air_defence", "artillery", "cruise_missile"), 9),
    ("GBR", "UKR", ("cruise_missile", "armoured_vehicle", "missile", "air_defence"), 9),
    ("IRN", "houthis", ("ballistic_missile", "cruise_missile", "uav", "small_arms", "components"), 10),
    ("IRN", "hezbollah", ("missile", "uav", "unspecified", "ballistic_missile"), 7),
    ("CHN", "RUS", ("components", "uav", "unspecified"), 8),
    ("CHN", "PAK", ("naval", "combat_aircraft", "air_defence"), 5),
    ("RUS", "IND", ("air_defence", "naval", "combat_aircraft"), 5),
    ("FRA", "IND", ("combat_aircraft", "naval"), 4),
    ("KOR", "POL", ("armoured_vehicle", "artillery", "combat_aircraft"), 5),
    ("USA", "TWN", ("armoured_vehicle", "missile", "air_defence", "combat_aircraft"), 6),
    ("RUS", "MLI", ("combat_aircraft", "helicopter", "unspecified"), 3),
    ("wagner", "MLI", ("unspecified", "helicopter"), 2),
    ("RUS", "BLR", ("ballistic_missile", "combat_aircraft", "air_defence"), 4),
    ("ISR", "AZE", ("uav", "ballistic_missile"), 4),
    ("TUR", "UKR", ("uav", "naval"), 4),
    ("TUR", "AZE", ("uav",), 3),
    ("ARE", "rsf", ("uav", "unspecified", "ammunition"), 4),
    ("CHN", "MMR", ("combat_aircraft", "unspecified"), 3),
    ("RUS", "MMR", ("combat_aircraft", "helicopter"), 3),
    ("PRK", "wagner", ("artillery",), 2),
    ("SRB", "UKR", ("ammunition",), 2),
    ("IRN", "VEN", ("naval", "uav"), 2),
    ("IND", "ARM", ("artillery", "air_defence"), 2),
    ("FRA", "ARM", ("air_defence",), 1),
    ("USA", "ISR", ("ammunition", "air_defence", "combat_aircraft"), 6),
    ("IRN", "hamas", ("missile", "unspecified"), 3),
    ("RUS", "SYR", ("combat_aircraft", "air_defence"), 2),
    ("IRN", "SDN", ("uav",), 2),
)

# Claimants who speak about others' transfers: (code, how a sentence names them, possessive for "intelligence").
THIRD_PARTY_VOICES: tuple[tuple[str, str, str], ...] = (
    ("USA", "The White House", "US"),
    ("USA", "The Pentagon", "US"),
    ("USA", "The US State Department", "US"),
    ("USA", "Washington", "US"),
    ("GBR", "Britain's Ministry of Defence", "British"),
    ("GBR", "The UK government", "British"),
    ("UKR", "Ukraine's military intelligence", "Ukrainian"),
    ("UKR", "Kyiv", "Ukrainian"),
    ("KOR", "South Korea's National Intelligence Service", "South Korean"),
    ("un", "A UN panel of experts", "UN"),
    ("nato", "NATO", "allied"),
    ("eu", "The European Union", "European"),
    ("FRA", "France's foreign ministry", "French"),
    ("DEU", "Germany's foreign intelligence service", "German"),
    ("ISR", "The Israeli military", "Israeli"),
)

TITLES_STATE = (
    "foreign ministry spokesperson", "foreign minister", "defence minister", "deputy defence minister",
    "ambassador to the United Nations", "national security adviser", "military intelligence chief",
    "presidential spokesman", "armed forces spokesman", "deputy foreign minister",
)
TITLES_USA = (
    "White House spokesman", "Pentagon press secretary", "State Department spokesperson",
    "National Security Council spokesman", "Secretary of State", "Defense Secretary", "US ambassador to the UN",
)
TITLES_ORG = {
    "un": ("coordinator of the UN panel of experts", "UN spokesperson", "UN Secretary-General's spokesman"),
    "nato": ("NATO Secretary General", "NATO spokesperson", "NATO military committee chair"),
    "eu": ("EU foreign policy chief", "EU spokesperson"),
}
ANALYST_TITLES = (
    "an analyst at the Institute for Strategic Security", "a senior fellow at the Carnegie-Hall Centre",
    "a researcher at the Arms Transparency Project", "a former defence attaché", "a sanctions expert at Vireo Analytics",
)

FIRST_NAMES = (
    "John", "Maria", "Ahmad", "Olena", "Dmitry", "Sun-hee", "Wei", "Fatima", "Lars", "Anna", "Mehmet", "Priya",
    "Carlos", "Yuki", "Ibrahim", "Hannah", "Pavel", "Leila", "Tomasz", "Ines", "Kwame", "Sofia", "Ali", "Elena",
    "Jin-woo", "Ruth", "Farid", "Katarzyna", "Hugo", "Amara", "Oleksandr", "Nadia", "Rahul", "Greta", "Musa",
    "Camille", "Reza", "Irina", "Daniel", "Ayşe", "Min-jun", "Li", "Samuel", "Zainab", "Viktor", "Chloé",
)
LAST_NAMES = (
    "Harrow", "Kazemi", "Petrenko", "Volkov", "Park", "Zhang", "Rahimi", "Lindqvist", "Novak", "Yilmaz", "Sharma",
    "Mendes", "Tanaka", "Haddad", "Becker", "Sokolov", "Moradi", "Kowalski", "Duarte", "Mensah", "Ricci", "Hosseini",
    "Markova", "Kim", "Abara", "Nasser", "Wiśniewska", "Laurent", "Okafor", "Shevchenko", "Karimi", "Iyer", "Falk",
    "Bello", "Dubois", "Tehrani", "Orlova", "Whitfield", "Demir", "Choi", "Liu", "Adeyemi", "Qureshi", "Horvat",
    "Marchetti", "Lebedev",
)

OUTLETS = (
    ("the Meridian Times", "meridiantimes.example"), ("Baltic Wire", "balticwire.example"),
    ("the Gulf Courier", "gulfcourier.example"), ("Northern Ledger", "northernledger.example"),
    ("the Atlas Post", "atlaspost.example"), ("Kestrel News", "kestrelnews.example"),
    ("the Continental Herald", "continentalherald.example"), ("Harbour Daily", "harbourdaily.example"),
    ("the Eastern Monitor", "easternmonitor.example"), ("Signal Agency", "signalagency.example"),
    ("the Pacific Review", "pacificreview.example"), ("Frontline Digest", "frontlinedigest.example"),
)

QUANTITIES = (
    "hundreds of ", "dozens of ", "a first batch of ", "several ", "about 400 ", "more than 1,000 ", "24 ", "two ",
    "a shipment of ", "at least 40 ", "six ", "thousands of ", "12 ", "a small number of ", "",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
