"""Word lists and tables the place finder decides with: districts of big cities, words that
make a capitalised name a street, a club or a person, population thresholds, postcode zones.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"\w+|[^\w\s]")


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Well-known parts of big cities that are not municipalities themselves. Aliases that the
# gazetteer already uses for a municipality are skipped when the matcher is built.
TOWN_DISTRICTS: dict[str, str] = {
    "Halle-Neustadt": "15002000",
    "Halle Neustadt": "15002000",
    "Ha-Neu": "15002000",
    "Silberhöhe": "15002000",
    "Heide-Nord": "15002000",
    "Kreuzberg": "11000000",
    "Friedrichshain": "11000000",
    "Friedrichshain-Kreuzberg": "11000000",
    "Prenzlauer Berg": "11000000",
    "Neukölln": "11000000",
    "Charlottenburg": "11000000",
    "Charlottenburg-Wilmersdorf": "11000000",
    "Spandau": "11000000",
    "Moabit": "11000000",
    "Tempelhof": "11000000",
    "Tempelhof-Schöneberg": "11000000",
    "Marzahn-Hellersdorf": "11000000",
    "Adlershof": "11000000",
    "Treptow-Köpenick": "11000000",
    "Steglitz-Zehlendorf": "11000000",
    "Reinickendorf": "11000000",
    "Pankow": "11000000",
    "Tegel": "11000000",
    "Altona": "02000000",
    "Eimsbüttel": "02000000",
    "Wandsbek": "02000000",
    "HafenCity": "02000000",
    "St. Pauli": "02000000",
    "Wilhelmsburg": "02000000",
    "Ottensen": "02000000",
    "Barmbek": "02000000",
    "Schwabing": "09162000",
    "Pasing": "09162000",
    "Sendling": "09162000",
    "Bogenhausen": "09162000",
    "Freiham": "09162000",
    "Neuperlach": "09162000",
    "Ehrenfeld": "05315000",
    "Nippes": "05315000",
    "Chorweiler": "05315000",
    "Plagwitz": "14713000",
    "Connewitz": "14713000",
    "Grünau": "14713000",
    "Prohlis": "14612000",
    "Gorbitz": "14612000",
    "Bad Cannstatt": "08111000",
    "Zuffenhausen": "08111000",
    "Rüttenscheid": "05113000",
    "Kettwig": "05113000",
    "Marxloh": "05112000",
    "Langwasser": "09564000",
    "Vegesack": "04011000",
    "Gröpelingen": "04011000",
}

DETERMINERS = word_set(
    "der die das dem den des ein eine einem einen einer eines im am zum zur vom beim ins "
    "unser unsere unserem unseren ihr ihre ihrem ihren sein seine seinem seinen jede jeder "
    "jedes dieser diese dieses diesem kein keine keinem"
)
PLACE_PREPOSITIONS = word_set("in aus nach bei nahe gegenüber zwischen Richtung")
PLACE_NOUNS = word_set(
    "Stadt Gemeinde Kommune Markt Marktgemeinde Hansestadt Kreisstadt Landeshauptstadt Großstadt "
    "Universitätsstadt Stadtverwaltung Stadtwerke Oberbürgermeister Oberbürgermeisterin "
    "Bürgermeister Bürgermeisterin Stadtrat Gemeinderat Rathaus Modellkommune Modellstadt "
    "Nachbarstadt Nachbargemeinde Partnerstadt Kreisstadt Ortsgemeinde Verbandsgemeinde "
    "Altkreis Ortsteil Stadtteil Samtgemeinde Einheitsgemeinde Amt Flecken"
)
LIST_JOINERS = frozenset({"und", "oder", "sowie", ",", "/"})
SENTENCE_END = frozenset({".", "!", "?", ":", ";", "\n", "•", "–", "-", '"', "„", "“"})
STREET_WORDS = word_set(
    "Straße Str Strasse Weg Allee Platz Ring Chaussee Damm Gasse Ufer Steig Pfad Landstraße"
)
PERSON_TITLES = word_set("Frau Herr Herrn Dr Prof Familie Minister Ministerin")
CLUB_WORDS = word_set(
    "Borussia FC SC VfL VfB TSV SV Eintracht Hertha Fortuna Alemannia Arminia Werder RB TSG "
    "SpVgg Dynamo Union Kickers Holstein Bayer Preußen Alemannia Viktoria Germania"
)
# Institutions named after their seat: 'IHK Hannover', 'Sparkasse Celle' are
# organisations a page mentions, not places it is about. (A university's town is: 'die
# Universität Trier begleitet das Programm' is about Trier.)
ORG_WORDS = word_set(
    "IHK HWK Handwerkskammer Sparkasse Kreissparkasse Stadtsparkasse Volksbank Landesbank Zentrum "
    # Authorities named after their seat: a police report's sender, a court, a tax office.
    "Polizeiinspektion Polizeidirektion Polizeipräsidium Polizeirevier Polizeikommissariat "
    "Kreispolizeibehörde Amtsgericht Landgericht Oberlandesgericht Verwaltungsgericht "
    "Sozialgericht Arbeitsgericht Staatsanwaltschaft Finanzamt Hauptzollamt Jobcenter "
    # 'Agentur für Arbeit Hameln', 'Deutsche Rentenversicherung Braunschweig-Hannover'
    "Arbeit Rentenversicherung"
)
# The same as the last part of a compound: 'Sparkassenstiftung Vechta', 'Bürgerstiftung Celle'.
ORG_SUFFIXES = ("stiftung", "sparkasse", "kammer", "bank")
# A university or college with its own qualifier ('Medizinische Hochschule Hannover',
# 'Otto-Friedrich-Universität Bamberg') is an institution's proper name: a person's affiliation.
COLLEGE_WORDS = word_set("Universität Hochschule Fachhochschule Akademie")
# 'mit den Städten Solingen, Remscheid und Kassel', 'neben Hagen die Städte Unna und Hamm':
# partners of a project, not its places.
PARTNER_NOUNS = word_set(
    "Städte Städten Kommunen Gemeinden Landkreisen Partnerstädten Partnerkommunen"
)
# Parts of a town: 'im Ortsteil Steinbach' names a part of the page's town, not the
# municipality Steinbach am Wald (unless the name is a known district of a big city).
TOWN_PART_NOUNS = word_set(
    "Ortsteil Ortsteile Ortsteilen Stadtteil Stadtteile Stadtteilen Ortschaft Ortschaften "
    "Stadtbezirk Stadtbezirke Stadtbezirken"
)
# A project's partners: 'kooperieren mit dem Landkreis Vechta' (a prefix of the verb or noun).
COOPERATION_WORDS = word_set("kooperier Kooperation Partnerschaft Städtepartnerschaft")
# Associations of municipalities named after one member: 'Samtgemeinde Sottrum' is not Sottrum.
ASSOCIATION_NOUNS = word_set(
    "Samtgemeinde Verbandsgemeinde Verwaltungsgemeinschaft Verwaltungsverband "
    "Gemeindeverwaltungsverband Amt"
)
# Offices introduced with their holder: 'der Landrat des Kreises Kleve, Erika Beispiel'.
OFFICE_NOUNS = word_set(
    "Landrat Landrätin Bürgermeister Bürgermeisterin Oberbürgermeister Oberbürgermeisterin "
    "Stadtdirektor Stadtdirektorin Kreisdirektor Kreisdirektorin Beigeordnete Beigeordneter"
)
# Headings of the lists of other articles inside a news text (regular expressions).
RELATED_HEADINGS = (
    r"Lesen Sie (?:auch|mehr)",
    r"Mehr (?:zum|zu diesem) Thema",
    r"Mehr dazu",
    r"Das könnte (?:Sie|dich) auch interessieren",
    r"(?:Auch|Ebenfalls) interessant",
    r"(?:Weitere|Ähnliche|Verwandte) (?:Artikel|Meldungen|Nachrichten|Beiträge|Themen)",
    r"(?:Zum )?Weiterlesen",
    r"Passend (?:zum Thema|dazu)",
    r"Empfehlungen der Redaktion",
    r"Meistgelesen",
)
# Common first names: a capitalised word before a name makes it a surname ('Sabine Weil'),
# and a town called like a first name ('Karl', 'Moritz') needs place context.
FIRST_NAMES = word_set("""
    Anna Maria Julia Laura Lena Sarah Sara Katharina Christina Christine Sabine Susanne Petra
    Andrea Claudia Stefanie Nicole Birgit Monika Karin Ute Ulrike Heike Martina Kerstin Anja
    Katrin Silke Jana Lisa Sophie Sophia Hannah Lea Leonie Emma Mia Marie Johanna Charlotte
    Clara Klara Luisa Paula Greta Ida Elena Nina Jutta Gabriele Brigitte Renate Ursula Helga
    Ingrid Elke Doris Angelika Barbara Beate Bettina Carola Cornelia Daniela Diana Dorothea
    Eva Franziska Friederike Gisela Hanna Ines Iris Jasmin Jennifer Jessica Judith Karina
    Kathrin Katja Lara Lina Marion Melanie Miriam Nadine Natalie Regina Sandra Simone Sonja
    Svenja Tanja Theresa Vanessa Verena Yvonne Mareen Maren Antje Anke Astrid Annette Tina
    Thomas Michael Andreas Stefan Peter Frank Klaus Jürgen Wolfgang Christian Markus Marcus
    Martin Matthias Alexander Daniel Tobias Jan Tim Jens Uwe Ralf Bernd Dirk Holger Sven
    Oliver Florian Sebastian Philipp Lukas Jonas Felix Paul Max Hans Karl Werner Helmut
    Gerhard Dieter Manfred Heinz Günter Günther Rainer Torsten Carsten Kai Björn Lars Nils
    Moritz Henning Marius Leon Luca Noah Elias Ben Finn Emil Anton Jakob Johannes Julian
    Niklas Fabian David Simon Benjamin Dominik Patrick Marco Marcel Mario Robert Richard
    Georg Heinrich Friedrich Wilhelm Otto Ernst Walter Kurt Horst Rolf Norbert Volker Reinhard
    Hartmut Joachim Jörg Harald Herbert Hermann Karsten Olaf Roland Rüdiger Siegfried Ulrich
    Achim Axel Bernhard Burkhard Detlef Eckhard Egon Erich Erwin Fritz Gernot Gregor Guido
    Hubert Ingo Jochen Konrad Lothar Lutz Mathias Norman Rudolf Steffen Thorsten Till Vincent
    Armin Arne Malte Ole Hendrik Henrik Gustav Ludwig August Albert Bruno Oskar Carl Konstantin
    Meinhard Bernd Eckart Gerd Hajo Hinrich Jost Lorenz Veit Wendelin
    """)
# Names that are ordinary words simplemma does not flag, or places abroad that German texts
# mention far more often than the small German municipality of that name.
STRONG_WORDS = word_set("""
    Wissen Lage Stelle Sorge Welt Schutz Sinn Lehre Bescheid Besitz Mark Rain Forst Berg Buch
    Stein Wald Burg Insel Elbe Bühne Mitte Kommen Ohne Reich Halle Bergen Weil Essen Wetter
    Lauf Kuchen Brunnen Brand Übersee Valley Salzburg Rom Gladbach Nassau Frankenstein
    Grafschaft Freiheit Zeit Eiche
    """)
TINY_TOWN = 1_000  # a one-word town this small (or of unknown size) needs place context
SMALL_TOWN = 10_000  # a one-word town this small after an unknown capitalised word is a surname
SUBJECT_MENTIONS = 3  # a page names its subject town at least this often
PASSING_SUBJECT = 10  # on a page naming a town this often, others named once are in passing
NAMESAKE_KM = 75  # a small town farther from the subject town is a Stadtteil's namesake
METROPOLIS = 1_000_000  # a city this large has Bezirke named like villages elsewhere
BIG_CITY = 50_000  # an ordinary-word name this large is a place after 'in'/'aus'/'nach'

# First two digits of a postcode → states it can lie in (postcode zones cross state lines).
POSTAL_ZONE_STATES: dict[str, tuple[str, ...]] = {
    "01": ("14",),
    "02": ("14",),
    "03": ("12", "14"),
    "04": ("14", "15", "16"),
    "06": ("15", "14", "16"),
    "07": ("16", "14"),
    "08": ("14",),
    "09": ("14",),
    "10": ("11",),
    "12": ("11", "12"),
    "13": ("11",),
    "14": ("12", "11"),
    "15": ("12",),
    "16": ("12",),
    "17": ("13", "12"),
    "18": ("13",),
    "19": ("13", "12", "03", "01"),
    "20": ("02",),
    "21": ("03", "02", "01"),
    "22": ("02", "01"),
    "23": ("01", "13"),
    "24": ("01",),
    "25": ("01",),
    "26": ("03",),
    "27": ("03", "04"),
    "28": ("04", "03"),
    "29": ("03", "15"),
    "30": ("03",),
    "31": ("03",),
    "32": ("05", "03"),
    "33": ("05",),
    "34": ("06", "03", "05"),
    "35": ("06",),
    "36": ("06", "16", "09"),
    "37": ("03", "06", "16"),
    "38": ("03", "15"),
    "39": ("15",),
    "40": ("05",),
    "41": ("05",),
    "42": ("05",),
    "44": ("05",),
    "45": ("05",),
    "46": ("05",),
    "47": ("05",),
    "48": ("05", "03"),
    "49": ("03", "05"),
    "50": ("05",),
    "51": ("05",),
    "52": ("05",),
    "53": ("05", "07"),
    "54": ("07",),
    "55": ("07",),
    "56": ("07",),
    "57": ("05", "07"),
    "58": ("05",),
    "59": ("05",),
    "60": ("06",),
    "61": ("06",),
    "63": ("06", "09"),
    "64": ("06",),
    "65": ("06", "07"),
    "66": ("10", "07"),
    "67": ("07",),
    "68": ("08", "06"),
    "69": ("08", "06"),
    "70": ("08",),
    "71": ("08",),
    "72": ("08",),
    "73": ("08",),
    "74": ("08",),
    "75": ("08",),
    "76": ("08", "07"),
    "77": ("08",),
    "78": ("08",),
    "79": ("08",),
    "80": ("09",),
    "81": ("09",),
    "82": ("09",),
    "83": ("09",),
    "84": ("09",),
    "85": ("09",),
    "86": ("09",),
    "87": ("09", "08"),
    "88": ("08", "09"),
    "89": ("09", "08"),
    "90": ("09",),
    "91": ("09",),
    "92": ("09",),
    "93": ("09",),
    "94": ("09",),
    "95": ("09",),
    "96": ("09",),
    "97": ("09", "06", "08"),
    "98": ("16",),
    "99": ("16",),
}
