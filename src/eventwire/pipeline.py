"""Ordered stages over ``Article`` records: clean -> nlp -> code (actors + events).

Each stage is a small callable ``Article -> Article`` that says what it needs
and provides; the pipeline checks that chain once, when it is built. The nlp
stage also has a batched ``pipe`` because spaCy is fastest on batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, Protocol

from spacy.tokens import Doc

from . import nlp as _nlp
from .actors.dictionaries import load_user_actors
from .actors.kb import KnowledgeBase, shipped, with_user_actors
from .actors.resolve import DocActors
from .actors.truecase import Truecase
from .clean import Clean
from .config import Settings
from .dedup import Dedup
from .errors import StageError
from .events import triggers
from .events.coder import code_doc
from .language import Language
from .models import Actor, Article, Event, Mention
from .nlp import BATCH_SIZE, Pieces
from .nlp import load as load_nlp


class Stage(Protocol):
    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


class Parse:
    """Stage: run spaCy over the cleaned text (``Article.doc``).

    A text longer than ``piece_chars`` is not parsed here: ``Article.doc`` becomes a lazy
    ``Pieces`` that the code stage parses and codes one piece at a time.
    """

    name: str = "nlp"
    needs: tuple[str, ...] = ("clean",)
    provides: tuple[str, ...] = ("doc",)

    def __init__(
        self, workers: int = 1, batch_size: int = BATCH_SIZE, piece_chars: int | None = None
    ) -> None:
        self.workers = workers
        self.batch_size = batch_size
        self.piece_chars = piece_chars  # None: nlp.PIECE_CHARS

    def _long(self, article: Article) -> bool:
        return len(_parsed(article)) > (self.piece_chars or _nlp.PIECE_CHARS)

    def _pieces(self, article: Article) -> Pieces:
        size = self.piece_chars or _nlp.PIECE_CHARS
        return Pieces(article.id, _parsed(article), size, load_nlp())

    def __call__(self, article: Article) -> Article:
        if article.status == "new":
            article.doc = (
                self._pieces(article) if self._long(article) else load_nlp()(_parsed(article))
            )
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        pending = list(articles)
        live = []
        for article in pending:
            if article.status != "new":
                continue
            if self._long(article):
                article.doc = self._pieces(article)
            else:
                live.append(article)
        done = 0
        try:
            docs = load_nlp().pipe(
                (_parsed(a) for a in live), batch_size=self.batch_size, n_process=self.workers
            )
            for article, doc in zip(live, docs, strict=True):
                article.doc = doc
                done += 1
        except Exception:
            # One article broke the batch: parse the rest one by one, so that only the
            # article that fails is rejected.
            for article in live[done:]:
                if article.doc is None:
                    _guarded(self, article)
        yield from pending


def _parsed(article: Article) -> str:
    """What the parser reads: the cleaned text (the text itself when no clean stage ran)."""
    return article.clean or article.text


class Code:
    """Stage: actors and events from the parsed document.

    A long text comes as ``Pieces``: each piece is parsed, coded and dropped before the
    next, and its events are moved to the piece's place in the cleaned text. Last, every
    offset is taken back through the clean stage's map to ``Article.text`` as given.
    """

    name: str = "code"
    needs: tuple[str, ...] = ("doc",)
    provides: tuple[str, ...] = ("events", "mentions")

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or shipped()
        self.lexicon = triggers.shipped()

    def __call__(self, article: Article) -> Article:
        if article.status != "new" or article.doc is None:
            return article
        doc, article.doc = article.doc, None  # docs are large; nothing after this reads them
        events: list[Event] = []
        mentions: list[Mention] = []
        pieces = doc if isinstance(doc, Pieces) else [(0, doc)]
        for offset, piece in pieces:
            # only the first piece can hold the dateline
            found, named = self._code(piece, article, first=offset == 0)
            events.extend(_moved(found, offset))
            mentions.extend(replace(m, start=m.start + offset, end=m.end + offset) for m in named)
            del piece  # before the next piece is parsed
        article.events = _in_text(events, article)
        article.mentions = [_mention_in_text(m, article) for m in mentions]
        article.status = "coded"
        return article

    def _code(
        self, doc: Doc, article: Article, first: bool = True
    ) -> tuple[list[Event], list[Mention]]:
        actors = DocActors(doc, self.kb, article.date, dateline=article.place if first else "")
        events = code_doc(doc, actors, self.lexicon, article.id, article.date)
        return events, actors.mentions()


def _moved(events: list[Event], offset: int) -> list[Event]:
    """Events of a piece with every offset moved by ``offset`` (the piece's start in the
    article text) and the id made again from the moved trigger. Actors are copied, not
    shifted in place: one actor object can be a side of several events."""
    if not offset:
        return events
    for ev in events:
        e = ev.evidence
        ev.evidence = replace(
            e,
            start=e.start + offset,
            end=e.end + offset,
            trigger_start=e.trigger_start + offset,
            trigger_end=e.trigger_end + offset,
        )
        ev.source = [_moved_actor(a, offset) for a in ev.source]
        ev.target = [_moved_actor(a, offset) for a in ev.target]
        if ev.attribution is not None:
            ev.attribution = _moved_actor(ev.attribution, offset)
        ev.id = ev.make_id()
    return events


def _in_text(events: list[Event], article: Article) -> list[Event]:
    """Events with offsets into ``article.text`` (as given) instead of the cleaned text:
    the evidence and trigger are cut from the text as given, so that
    ``text[ev.evidence.start:ev.evidence.end] == ev.evidence.text`` in the user's file."""
    offsets, text = article.offsets, article.text
    if offsets is None or (article.clean == text):
        return events
    for ev in events:
        e = ev.evidence
        start, end = offsets.span(e.start, e.end)
        t_start, t_end = offsets.span(e.trigger_start, e.trigger_end)
        ev.evidence = replace(
            e,
            text=text[start:end],
            start=start,
            end=end,
            trigger=text[t_start:t_end],
            trigger_start=t_start,
            trigger_end=t_end,
        )
        ev.source = [_mapped_actor(a, offsets, text) for a in ev.source]
        ev.target = [_mapped_actor(a, offsets, text) for a in ev.target]
        if ev.attribution is not None:
            ev.attribution = _mapped_actor(ev.attribution, offsets, text)
        ev.id = ev.make_id()
    return events


def _mention_in_text(mention: Mention, article: Article) -> Mention:
    """A mention with offsets into ``article.text`` as given (token indices stay the
    parse's, and say nothing once the doc is gone)."""
    if article.offsets is None or article.clean == article.text:
        return mention
    start, end = article.offsets.span(mention.start, mention.end)
    return replace(mention, start=start, end=end, text=article.text[start:end])


def _mapped_actor(actor: Actor, offsets: Any, text: str) -> Actor:
    if actor.start < 0:
        return actor
    start, end = offsets.span(actor.start, actor.end)
    return replace(actor, start=start, end=end, text=text[start:end])


def _moved_actor(actor: Actor, offset: int) -> Actor:
    return replace(
        actor,
        start=actor.start + offset if actor.start >= 0 else actor.start,
        end=actor.end + offset if actor.end >= 0 else actor.end,
    )


class Pipeline:
    def __init__(self, stages: list[Stage]) -> None:
        have = {"text"}
        for stage in stages:
            missing = [n for n in stage.needs if n not in have]
            if missing:
                raise ValueError(
                    f"stage {stage.name!r} needs {missing} that no earlier stage provides"
                )
            have.update(stage.provides)
        self.stages = stages

    @classmethod
    def default(
        cls,
        settings: Settings | None = None,
        known_hashes: dict[str, str] | None = None,
        dedup: bool = True,
        signatures: Iterable[tuple[str, str, bytes] | tuple[str, str, bytes, str | None]] = (),
    ) -> Pipeline:
        """clean -> dedup -> language -> truecase -> nlp -> code; ``known_hashes`` and
        ``signatures`` describe the stories already stored (copies are not recoded)."""
        settings = settings or Settings()
        kb = with_user_actors(load_user_actors(settings.actors)) if settings.actors else shipped()
        stages: list[Stage] = [Clean()]
        if dedup:
            stages.append(Dedup(known_hashes, signatures))
        stages += [Language(), Truecase(kb), Parse(settings.workers, settings.batch_size), Code(kb)]
        return cls(stages)

    def run(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article], batch: int = 64) -> Iterator[Article]:
        """Process articles in batches; a stage that fails rejects that article, not the run."""
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= batch:
                yield from self._run_batch(chunk)
                chunk = []
        if chunk:
            yield from self._run_batch(chunk)

    def _run_batch(self, chunk: list[Article]) -> Iterator[Article]:
        items: list[Article] = chunk
        for stage in self.stages:
            pipe = getattr(stage, "pipe", None)
            if pipe is not None:
                try:
                    items = list(pipe(items))
                except Exception:
                    # a batched stage that fails anyway: one article at a time, so that
                    # only the articles it fails on are rejected
                    items = [_guarded(stage, a) for a in items]
            else:
                items = [_guarded(stage, a) for a in items]
        yield from items


def _guarded(stage: Stage, article: Article) -> Article:
    try:
        return stage(article)
    except Exception as exc:  # one bad document must not stop the run
        if isinstance(exc, StageError):
            err = exc  # raised for an earlier stage ("nlp", for a piece of a long text)
        else:
            err = StageError(stage.name, article.id, exc if str(exc) else _named(exc))
        article.status = "rejected"
        article.reason = str(err)
        article.doc = None
        return article


def _named(exc: Exception) -> Exception:
    """An exception without a message, told by its type ("MemoryError")."""
    return RuntimeError(type(exc).__name__)
