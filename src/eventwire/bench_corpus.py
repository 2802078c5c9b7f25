"""A generated corpus for ``eventwire bench``: deterministic, varied, free of news text.

``articles(n, seed)`` builds ``n`` JSON Lines records ``{"id", "title", "date", "source",
"url", "text"}`` from sentence templates of our own, filled with countries, capitals and
adjectives from ``geo.countries.countries()`` and with office holders from the actor
knowledge base (``actors/kb/people.tsv``, in office on the article's date). Each article
is about a pair of countries and brings in a few others; about a quarter of its sentences
are filler that holds no event (weather, markets, sport, background). Lengths are mostly
150 to 900 words, with some of 900 to 1,400 and about one in ten of 1,800 to 2,300;
dates run over 2023 to 2025; a dozen outlets publish them. The same ``n`` and ``seed``
always give the same records, and no article is a copy of another for the project's
deduplication (different countries, people and figures in every lead).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import random
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .geo.countries import countries
from .models import Article

SEED = 20240517
#: Articles in the default corpus.
ARTICLES = 500

_OUTLETS = (
    ("Harbor Gazette", "harborgazette.example.com"),
    ("Meridian Daily", "meridiandaily.example.org"),
    ("The Lantern Post", "lanternpost.example.net"),
    ("Northfield Wire", "northfieldwire.example.com"),
    ("Coastline Herald", "coastlineherald.example.com"),
    ("Atlas Monitor", "atlasmonitor.example.org"),
    ("The Daily Compass", "dailycompass.example.com"),
    ("Riverbend Times", "riverbendtimes.example.net"),
    ("Summit Observer", "summitobserver.example.org"),
    ("Capital Ledger", "capitalledger.example.com"),
    ("Eastgate Chronicle", "eastgatechronicle.example.com"),
    ("World Desk Review", "worlddeskreview.example.org"),
)

#: Lead sentences: one event between {A} and {B}. Slots: {A} {B} (country names, with
#: "the" where English wants it), {cA} {cB} (capitals), {jA} {jB} (adjectives), {pA} {pB}
#: (an office holder with their role), {day}, {n}, {m}, {org}.
_EVENTS = (
    "{pA} met {pB} in {cA} on {day} to discuss border security and trade.",
    "{A} accused {B} of sending armed drones over its northern provinces.",
    "{A} and {B} signed an agreement on {day} to build a rail link between {cA} and {cB}.",
    "{jA} artillery shelled villages near the frontier with {B} overnight, local officials said.",
    "{A} imposed sanctions on {n} {jB} companies it said had helped evade an arms embargo.",
    "Thousands of people protested outside the {jB} embassy in {cA} on {day}.",
    "Police in {cA} arrested {n} {jB} nationals suspected of smuggling fuel across the border.",
    "{A} sent {n} tonnes of food and medicine to {B} after the floods.",
    "{pA} condemned the detention of {jA} journalists by authorities in {B}.",
    "{A} recalled its ambassador from {cB} in protest at remarks made by {pB}.",
    "{pA} praised {B} for its role in securing the release of the hostages.",
    "{A} threatened to cut gas deliveries to {B} unless the unpaid bills were settled.",
    "{A} expelled {n} {jB} diplomats, accusing them of spying.",
    "{pA} arrived in {cB} on {day} for a two-day state visit, the first in {m} years.",
    "{A} and {B} agreed to hold talks on the disputed river next month.",
    "{jA} troops seized a border crossing that had been held by {jB} forces since spring.",
    "{A} rejected a proposal from {B} to share the costs of the new dam.",
    "{pA} urged {B} to release the {n} fishermen detained off its coast.",
    "{A} warned {B} that it would respond to any further incursion into its waters.",
    "{A} offered to mediate between {B} and its neighbours, {pA} said on {day}.",
    "{A} lifted the ban on imports of {jB} grain after inspectors found no disease.",
    "An air strike by {jA} forces killed {n} people in a market in eastern {B}, medics said.",
    "{A} denied that its warships had entered the territorial waters of {B}.",
    "{A} promised {B} a loan of {n} million dollars to repair roads and bridges.",
    "{A} and {B} announced a ceasefire along their shared border from midnight.",
    "{A} demanded that {B} withdraw its troops from the contested island.",
    "{pA} invited {pB} to attend the regional summit in {cA}.",
    "{A} closed its border with {B}, citing a rise in armed attacks on traders.",
    "{A} deployed {n} soldiers to its frontier with {B} after a week of clashes.",
    "{A} freed {n} {jB} prisoners as part of an exchange agreed in {cB}.",
    "{A} voted against a resolution put forward by {B} at {org}.",
    "{A} asked {org} to investigate the sinking of a ferry off the coast of {B}.",
    "{A} and {B} carried out joint naval exercises in the waters between them.",
    "{pA} apologised to {B} for the shooting of a border guard last week.",
    "{A} blocked a shipment of {jB} steel at its main port, officials in {cA} said.",
    "{A} restored diplomatic relations with {B} after a break of {m} years.",
    "{pA} criticised {B} for what a statement called a reckless missile test.",
    "{A} granted asylum to {n} {jB} dissidents who had fled across the mountains.",
    "Hackers linked to {B} attacked the computer systems of the {jA} central bank, {pA} said.",
    "{A} pledged to help {B} rebuild schools and clinics destroyed in the fighting.",
)

#: Later event sentences, often about a third country {C}.
_MORE_EVENTS = (
    "Earlier in the week, {C} had accused {A} of funding rebels in its south.",
    "{pC} said on {day} that {C} would support any talks between the two sides.",
    "{C} called on both governments to show restraint.",
    "{C} sent its own envoy to {cA} to press for a settlement.",
    "The government of {C} condemned the violence and offered to host negotiations.",
    "{C} said it would send observers to monitor the truce.",
    "{pC} told reporters that {C} had frozen the assets of {n} officials from {B}.",
    "{C} and {A} also signed a separate deal on electricity exports.",
    "Officials in {cC} said {C} was ready to take in refugees from {B}.",
    "{C} summoned the {jA} ambassador to explain the decision.",
    "Last year {C} mediated a prisoner exchange between {A} and {B}.",
    "{pB} said {B} would not negotiate while foreign troops remained on its soil.",
    "{B} responded by suspending flights to {cA}.",
    "{pB} accused {A} of lying about the number of casualties.",
    "{B} said it would take the dispute to {org}.",
    "Protesters in {cB} burned the flag of {A} on {day}, witnesses said.",
    "{B} later arrested {n} people accused of organising the riots.",
    "{jB} officials welcomed the aid but said far more was needed.",
    "{B} has denied supplying weapons to the militias.",
    "The two leaders agreed to meet again in {cB} before the end of the year.",
)

#: Sentences that hold no event: weather, markets, sport, background, figures.
_FILLER = (
    "Temperatures in {cA} reached {t} degrees on {day}, well above the seasonal average.",
    "Heavy rain is expected across the region over the weekend.",
    "The {jA} currency rose {p} percent against the dollar in afternoon trading.",
    "Shares in {cB} closed slightly lower, with banks and miners leading the fall.",
    "Oil prices were little changed at about {n} dollars a barrel.",
    "The national football team of {B} won its qualifying match {g} to {h} on {day}.",
    "The border region is known for its vineyards and its mild winters.",
    "Inflation in {A} stood at {p} percent last month, according to official figures.",
    "About {n} thousand people live in the towns along the river.",
    "The railway between the two capitals was first built more than a century ago.",
    "{A} has a population of roughly {m} million people.",
    "Tourism accounts for about a tenth of the economy of {B}.",
    "The harvest of maize and wheat was better than expected this year.",
    "Traffic in {cA} was slow on {day} because of road works near the main square.",
    "The annual book fair in {cB} opened to large crowds.",
    "Analysts said the outcome would depend on the price of fuel over the winter.",
    "The central bank of {B} kept its main interest rate at {p} percent.",
    "Schools in several provinces stayed closed because of the heat.",
    "The port handles more than {n} thousand containers a month.",
    "A marathon through the old town of {cA} drew runners from {m} countries.",
    "The dispute over the river dates back to the colonial era.",
    "The region has seen little rain since the spring, farmers said.",
    "Exports of coffee and tea grew by {p} percent in the first quarter.",
    "The cycling race will pass through the mountains of northern {A} next week.",
    "Officials said the new airport terminal would open in the autumn.",
    "Fishing is the main source of income for the coastal villages.",
    "The election commission of {A} said voter registration would close in {mo}.",
    "Local newspapers devoted their front pages to the national team's victory.",
    "A museum of {jB} history reopened after three years of repairs.",
    "The two countries share a border of about {n} kilometres.",
)

_ROLES = ("president", "prime minister", "foreign minister", "defence minister")
_ORGS = (
    "the United Nations",
    "the UN Security Council",
    "the African Union",
    "the European Union",
    "the International Court of Justice",
    "the World Trade Organization",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_THE = re.compile(r"^(United |Republic |Democratic |Central African|Czech|Dominican)|s$")
_SHORT = frozenset("a an the of to in on at by for from and its their with".split())
_NO_THE = frozenset({"Cyprus", "Mauritius", "Belarus", "Laos", "Honduras"})


@dataclass(frozen=True)
class _Place:
    name: str
    capital: str
    adjective: str
    iso3: str


@functools.cache
def _places() -> tuple[_Place, ...]:
    """Countries with a capital and an adjective, sovereign states before territories."""
    out = []
    for c in countries()[:200]:
        if not (c.capitals and c.adjectives):
            continue
        the = bool(_THE.search(c.name)) and c.name not in _NO_THE or c.name == "Gambia"
        out.append(_Place(("the " if the else "") + c.name, c.capitals[0], c.adjectives[0], c.iso3))
    return tuple(out)


@functools.cache
def _people() -> dict[str, list[tuple[str, str, str, str]]]:
    """ISO3 -> (name, role, start, end) of the holders of the roles we write about."""
    path = resources.files("eventwire.actors") / "kb" / "people.tsv"
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["role"] in _ROLES:
                out.setdefault(row["country"], []).append(
                    (row["name"], row["role"], row["start"] or "", row["end"] or "")
                )
    return out


def _person(rng: random.Random, place: _Place, date: str) -> str:
    """An office holder of ``place`` on ``date`` ("Kenyan President William Ruto"), or a
    role without a name ("the Chilean foreign minister")."""
    holders = [
        p for p in _people().get(place.iso3, []) if p[2] <= date and (not p[3] or date < p[3])
    ]
    if holders and rng.random() < 0.7:
        name, role, _, _ = rng.choice(holders)
        return f"{place.adjective} {role.title()} {name}"
    return f"the {place.adjective} {rng.choice(_ROLES)}"


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _target_words(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.10:
        return rng.randint(1800, 2300)
    if r < 0.18:
        return rng.randint(900, 1400)
    return rng.randint(150, 900)


def article(i: int, rng: random.Random) -> dict[str, str]:
    """Article number ``i``: the lead is an event between two countries, then paragraphs
    of two to five sentences, about a quarter of them filler, until the target length."""
    a, b, c = rng.sample(_places(), 3)
    day0 = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365 * 3))
    date = day0.isoformat()
    outlet, host = _OUTLETS[rng.randrange(len(_OUTLETS))]
    people = {k: _person(rng, p, date) for k, p in (("pA", a), ("pB", b), ("pC", c))}

    def fill(template: str) -> str:
        return _cap(
            template.format(
                A=a.name, B=b.name, C=c.name, cA=a.capital, cB=b.capital, cC=c.capital,
                jA=a.adjective, jB=b.adjective, **people,
                day=rng.choice(_DAYS), mo=rng.choice(_MONTHS), org=rng.choice(_ORGS),
                n=rng.randint(2, 950), m=rng.randint(2, 60), t=rng.randint(18, 44),
                p=f"{rng.randint(1, 14)}.{rng.randint(0, 9)}",
                g=rng.randint(0, 4), h=rng.randint(0, 4),
            )
        )  # fmt: skip

    used: set[str] = set()

    def pick(pool: tuple[str, ...]) -> str:
        """A template of ``pool`` not used yet in this article (any, once all are)."""
        fresh = [t for t in pool if t not in used] or list(pool)
        choice = rng.choice(fresh)
        used.add(choice)
        return fill(choice)

    target = _target_words(rng)
    lead = pick(_EVENTS)
    paragraphs = [lead + " " + pick(_MORE_EVENTS + _FILLER)]
    words = len(" ".join(paragraphs).split())
    while words < target:
        para = []
        for _ in range(rng.randint(2, 5)):
            r = rng.random()
            pool = _FILLER if r < 0.27 else _EVENTS if r < 0.6 else _MORE_EVENTS
            para.append(pick(pool))
        text = " ".join(para)
        paragraphs.append(text)
        words += len(text.split())
    title = lead.rstrip(".").split(",")[0]
    if len(title.split()) > 14:  # a headline's length, cut after a content word
        kept = title.split()[:12]
        while kept[-1].lower() in _SHORT:
            kept.pop()
        title = " ".join(kept)
    slug = "-".join(re.findall(r"[a-z]+", title.lower())[:8])
    return {
        "id": f"bench-{i:05d}",
        "title": title,
        "date": date,
        "source": outlet,
        "url": f"https://{host}/world/{day0:%Y/%m/%d}/{slug}-{i}",
        "text": "\n\n".join(paragraphs),
    }


def articles(n: int = ARTICLES, seed: int = SEED) -> list[dict[str, str]]:
    """``n`` articles; the same ``n`` and ``seed`` give the same records."""
    rng = random.Random(seed)
    return [article(i, rng) for i in range(n)]


def write(path: str | Path, n: int = ARTICLES, seed: int = SEED) -> Path:
    """Write ``articles(n, seed)`` to ``path`` as JSON Lines."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for record in articles(n, seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    """``python -m eventwire.bench_corpus OUT.jsonl``: write the bench corpus to a file."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m eventwire.bench_corpus", description=main.__doc__)
    ap.add_argument("out", help="JSON Lines file to write")
    ap.add_argument("--articles", type=int, default=ARTICLES, help=f"default {ARTICLES}")
    ap.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")
    args = ap.parse_args(argv)
    write(args.out, args.articles, args.seed)


def sample_articles() -> list[Article]:
    """The bundled sample corpus (``data/sample/articles.jsonl``), for both benchmarks."""
    path = resources.files("eventwire") / "data" / "sample" / "articles.jsonl"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Article(
                    id=d["id"],
                    text=d["text"],
                    title=d.get("title", ""),
                    date=d.get("date"),
                    url=d.get("url", ""),
                    source=d.get("source", ""),
                )
            )
    return out


if __name__ == "__main__":  # pragma: no cover
    main()
