"""Ordered stages over ``Article`` records: clean -> nlp -> code (actors + events).

Each stage is a small callable ``Article -> Article`` that says what it needs
and provides; the pipeline checks that chain once, when it is built. The nlp
stage also has a batched ``pipe`` because spaCy is fastest on batches.
"""

from __future__ import annotations

import multiprocessing
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any, Protocol

from spacy.tokens import Doc

from . import nlp as _nlp
from .actors.dictionaries import load_user_actors
from .actors.kb import KnowledgeBase, shipped, with_user_actors
from .actors.resolve import DocActors
from .actors.truecase import Truecase, truecase
from .clean import Clean
from .config import Settings
from .dedup import Dedup
from .errors import StageError
from .events import triggers
from .events.coder import code_doc
from .language import Language
from .models import Actor, Article, Event, Mention
from .nlp import BATCH_SIZE, Pieces, split_text
from .nlp import load as load_nlp


class Stage(Protocol):
    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


#: Longest text whose pieces ``Parse.pipe`` parses in its batch (at most ten pieces held).
BATCHED_PIECES_CHARS = 100_000


class Parse:
    """Stage: run spaCy over the cleaned text (``Article.doc``).

    A text longer than ``piece_chars`` is parsed in pieces: ``Article.doc`` becomes a list
    of ``(offset, Doc)``, or, over ``BATCHED_PIECES_CHARS``, a lazy ``Pieces`` that the code
    stage parses and codes one piece at a time.
    """

    name: str = "nlp"
    needs: tuple[str, ...] = ("clean",)
    provides: tuple[str, ...] = ("doc",)

    def __init__(
        self,
        workers: int = 1,
        batch_size: int = BATCH_SIZE,
        piece_chars: int | None = None,
        kb: KnowledgeBase | None = None,
    ) -> None:
        self.workers = workers
        self.batch_size = batch_size
        self.piece_chars = piece_chars  # None: nlp.PIECE_CHARS
        #: with a knowledge base, titles coded apart are parsed here too, in one batch
        #: (one ``nlp()`` call per title costs twice as much: ``Article.title_doc``)
        self.kb = kb

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
        # what the batch parses: (article, where the text starts in it, -1 for a whole
        # text; the text); the pieces of a long text up to BATCHED_PIECES_CHARS go in the
        # batch too (one nlp() call per piece costs about 10% more), a longer one is left
        # to the code stage, one piece in memory at a time
        jobs: list[tuple[Article, int, str]] = []
        size = self.piece_chars or _nlp.PIECE_CHARS
        for article in pending:
            if article.status != "new":
                continue
            text = _parsed(article)
            if len(text) <= size:
                jobs.append((article, -1, text))
            elif len(text) > BATCHED_PIECES_CHARS:
                article.doc = self._pieces(article)
            else:
                article.doc = []
                jobs.extend(
                    (article, start, text[start:end]) for start, end in split_text(text, size)
                )
        done = 0
        try:
            docs = load_nlp().pipe(
                (text for _, _, text in jobs), batch_size=self.batch_size, n_process=self.workers
            )
            for (article, start, _), doc in zip(jobs, docs, strict=True):
                if start < 0:
                    article.doc = doc
                else:
                    article.doc.append((start, doc))
                done += 1
        except Exception:
            # One article broke the batch: parse the rest one by one, so that only the
            # article that fails is rejected.
            for article in dict.fromkeys(a for a, _, _ in jobs[done:]):
                article.doc = None
                _guarded(self, article)
        self._titles([a for a in pending if a.status == "new"])
        yield from pending

    def _titles(self, articles: list[Article]) -> None:
        if self.kb is None:
            return
        kb = self.kb
        titled = [(a, t) for a in articles if (t := title_to_code(a, kb))]
        try:
            docs = load_nlp().pipe((t for _, t in titled), batch_size=self.batch_size)
            for (article, _), doc in zip(titled, docs, strict=True):
                article.title_doc = doc
        except Exception:  # the code stage parses (and judges) each title on its own
            for article, _ in titled:
                article.title_doc = None


def _parsed(article: Article) -> str:
    """What the parser reads: the cleaned text (the text itself when no clean stage ran)."""
    return article.clean or article.text


class Code:
    """Stage: actors and events from the parsed document.

    A long text comes in pieces (a list of ``(offset, Doc)``, or ``Pieces`` that parse
    each piece as it is reached and drop it before the next); each piece's events are moved
    to its place in the cleaned text. Last, every offset is taken back through the clean
    stage's map to ``Article.text`` as given.
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
        pieces = doc if isinstance(doc, Pieces | list) else [(0, doc)]
        for offset, piece in pieces:
            # only the first piece can hold the dateline
            found, named = self._code(piece, article, first=offset == 0)
            if offset:
                found = _remapped(found, _shifted(offset))
                named = [_remapped_mention(m, _shifted(offset)) for m in named]
            events.extend(found)
            mentions.extend(named)
            del piece  # before the next piece is parsed
        back = _in_text(article)
        if back is not None:
            events = _remapped(events, *back)
            mentions = [_remapped_mention(m, *back) for m in mentions]
        events.extend(_with_people_of(self._title_events(article), mentions))
        article.events, article.mentions = events, mentions
        article.status = "coded"
        return article

    def _title_events(self, article: Article) -> list[Event]:
        """A title given apart from the text ("title" of a JSONL record, a page's or feed
        entry's headline) is coded on its own, its evidence offsets pointing into the
        title (``part`` "title"); a title the text already opens with is not coded twice."""
        doc, article.title_doc = article.title_doc, None
        if doc is None:
            cased = title_to_code(article, self.kb)
            if not cased:
                return []
            doc = load_nlp()(cased)
        actors = DocActors(doc, self.kb, article.date)
        events = code_doc(doc, actors, self.lexicon, article.id, article.date)
        return _remapped(events, lambda a, b: (a, b), article.title, part="title")

    def _code(
        self, doc: Doc, article: Article, first: bool = True
    ) -> tuple[list[Event], list[Mention]]:
        actors = DocActors(doc, self.kb, article.date, dateline=article.place if first else "")
        events = code_doc(doc, actors, self.lexicon, article.id, article.date)
        return events, actors.mentions()


def title_to_code(article: Article, kb: KnowledgeBase) -> str:
    """The title to code apart (truecased), or "" when there is none or the text opens
    with it."""
    title = article.title
    if not title.strip() or _opens_with(article.clean or article.text, title):
        return ""
    return truecase(title, kb)


def _with_people_of(events: list[Event], mentions: list[Mention]) -> list[Event]:
    """A title's unplaced name ("Kim meets Putin") is the person the text names in full
    ("North Korean leader Kim Jong Un"), when the text names one such person only."""
    people: dict[str, set[tuple[str, str, str]]] = {}
    for m in mentions:
        if m.kind == "person" and m.country and m.name:
            for word in m.name.split():
                people.setdefault(word, set()).add((m.name, m.country, m.sector))
    if not people:
        return events
    for ev in events:
        for actor in (*ev.source, *ev.target):
            if actor.country:
                continue
            known = people.get(actor.text.split()[-1]) if actor.text.split() else None
            if known and len(known) == 1:
                name, country, sector = next(iter(known))
                if actor.text in name:
                    actor.name, actor.country, actor.sector = name, country, sector
    return events


def _opens_with(text: str, title: str) -> bool:
    """Whether one of the text's first lines is the title (spacing and case aside)."""
    want = " ".join(title.split()).casefold()
    lines = (" ".join(line.split()).casefold() for line in text[:3000].split("\n"))
    return want in [line for line in lines if line][:3]


#: Takes a (start, end) span of one text to the same span in another.
SpanMap = Callable[[int, int], tuple[int, int]]


def _shifted(offset: int) -> SpanMap:
    """A piece's spans moved to the piece's place in the whole cleaned text."""
    return lambda start, end: (start + offset, end + offset)


def _remapped(
    events: list[Event], span: SpanMap, text: str | None = None, part: str | None = None
) -> list[Event]:
    """Events with every offset taken through ``span`` and the id made again from the
    moved trigger. With ``text`` the evidence, trigger and actor texts are cut from it, so
    that ``text[ev.evidence.start:ev.evidence.end] == ev.evidence.text``; ``part`` names
    what the offsets point into ("title"). Actors are copied, not changed in place: one
    actor object can be a side of several events."""
    for ev in events:
        e = ev.evidence
        start, end = span(e.start, e.end)
        t_start, t_end = span(e.trigger_start, e.trigger_end)
        ev.evidence = replace(
            e,
            text=e.text if text is None else text[start:end],
            start=start,
            end=end,
            trigger=e.trigger if text is None else text[t_start:t_end],
            trigger_start=t_start,
            trigger_end=t_end,
            part=e.part if part is None else part,
        )
        ev.source = [_remapped_actor(a, span, text) for a in ev.source]
        ev.target = [_remapped_actor(a, span, text) for a in ev.target]
        if ev.attribution is not None:
            ev.attribution = _remapped_actor(ev.attribution, span, text)
        ev.id = ev.make_id()
    return events


def _remapped_actor(actor: Actor, span: SpanMap, text: str | None) -> Actor:
    if actor.start < 0:  # inferred from another sentence: no place in the text
        return actor
    start, end = span(actor.start, actor.end)
    return replace(
        actor, start=start, end=end, text=actor.text if text is None else text[start:end]
    )


def _remapped_mention(mention: Mention, span: SpanMap, text: str | None = None) -> Mention:
    """Token indices stay the parse's (they say nothing once the doc is gone)."""
    start, end = span(mention.start, mention.end)
    return replace(
        mention, start=start, end=end, text=mention.text if text is None else text[start:end]
    )


def _in_text(article: Article) -> tuple[SpanMap, str] | None:
    """The map from the cleaned text back to ``article.text`` as given; None when the
    clean stage changed nothing (or did not run)."""
    if article.offsets is None or article.clean == article.text:
        return None
    return article.offsets.span, article.text


#: Stages whose result depends on the articles before (story deduplication): they run in
#: the parent, in input order; the rest run in the worker pool.
ORDERED_STAGES = ("clean", "dedup")
#: Articles per task sent to a worker: small enough to keep both cores busy to the end.
POOL_CHUNK = 8


class Pipeline:
    """Ordered stages over articles. With ``workers`` above one, ``pipe`` runs the
    order-dependent stages here and the rest (language, truecase, parse, code) in one
    persistent pool of worker processes forked after everything is loaded, so that
    each starts warm and shares the model's memory; results come back in input order
    and carry only what later steps read (status, reason, events, actor mentions)."""

    def __init__(self, stages: list[Stage], workers: int = 1, provided: Iterable[str] = ()) -> None:
        """``provided``: what the articles bring from stages run elsewhere (a worker's
        part of a pipeline gets them cleaned)."""
        have = {"text", *provided}
        for stage in stages:
            missing = [n for n in stage.needs if n not in have]
            if missing:
                raise ValueError(
                    f"stage {stage.name!r} needs {missing} that no earlier stage provides"
                )
            have.update(stage.provides)
        self.stages = stages
        self.workers = max(1, workers)
        self._pool: Any = None
        self._stop: Any = None  # shuts the pool down when the pipeline goes, or at exit

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
        # with a pool, each worker parses in its own process: spaCy's own processes would
        # be forked again for every batch
        parse = Parse(1, settings.batch_size, kb=kb)
        stages += [Language(), Truecase(kb), parse, Code(kb)]
        return cls(stages, workers=settings.workers)

    def only(self, *names: str) -> Pipeline:
        """The stages of these names, in this pipeline's order (the chain is checked
        again): how a runner splits the one pipeline between machines."""
        return Pipeline([s for s in self.stages if s.name in names])

    def without(self, *names: str) -> Pipeline:
        """This pipeline less the stages of these names (the chain is checked again)."""
        return Pipeline([s for s in self.stages if s.name not in names])

    def run(self, article: Article) -> Article:
        return next(iter(self._pipe_here([article])))

    def warm(self) -> None:
        """Load what the stages use (model, lexicon, gazetteer, word forms) by coding one
        sentence, before processes are forked from this one."""
        article = Article(id="warm-up", text="Kenya and Ethiopia signed a trade pact in Nairobi.")
        if not any(stage.name == "clean" for stage in self.stages):
            article = Pipeline([Clean()]).run(article)
        list(self._run_batch([article]))

    def pipe(self, articles: Iterable[Article], batch: int = 64) -> Iterator[Article]:
        """Process articles in batches; a stage that fails rejects that article, not the run.
        With ``workers`` above one, the work after deduplication goes to the pool (started
        when a second chunk of articles is waiting: a single text is coded here)."""
        if self.workers > 1:
            yield from self._pipe_pooled(articles)
        else:
            yield from self._pipe_here(articles, batch)

    def close(self) -> None:
        """Stop the worker pool, if one was started (also done when the pipeline is
        garbage-collected, and at exit)."""
        if self._stop is not None:
            self._stop()
        self._pool = self._stop = None

    def _pipe_here(self, articles: Iterable[Article], batch: int = 64) -> Iterator[Article]:
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= batch:
                yield from self._run_batch(chunk)
                chunk = []
        if chunk:
            yield from self._run_batch(chunk)

    def _split(self) -> tuple[Pipeline, Pipeline]:
        front = [s for s in self.stages if s.name in ORDERED_STAGES]
        back = [s for s in self.stages if s.name not in ORDERED_STAGES]
        provided = {p for stage in front for p in stage.provides}
        return Pipeline(front), Pipeline(back, provided=provided)

    def _pipe_pooled(self, articles: Iterable[Article]) -> Iterator[Article]:
        front, back = self._split()
        pending: deque[tuple[list[Article], list[Article], Future[list[_Result]] | None]] = deque()
        window = 2 * self.workers  # tasks in flight: enough to keep every worker busy
        first = True
        for chunk in _chunks(articles, POOL_CHUNK):
            done = list(front._run_batch(chunk))
            live = [a for a in done if a.status == "new"]
            if first and len(chunk) < POOL_CHUNK:
                # the whole input fits one chunk: no pool for that
                yield from back._run_batch(done)
                return
            first = False
            future = self._submit(back, live) if live else None
            pending.append((done, live, future))
            while len(pending) >= window:
                yield from self._collect(back, *pending.popleft())
        while pending:
            yield from self._collect(back, *pending.popleft())

    def _submit(self, back: Pipeline, live: list[Article]) -> Future[list[_Result]]:
        if self._pool is None:
            self._pool = _start_pool(back, self.workers)
            # not atexit.register(pool.shutdown): that would keep every pool of the
            # process alive until it ends
            self._stop = weakref.finalize(self, _shutdown, self._pool)
        return self._pool.submit(_work, [_shippable(a) for a in live])

    def _collect(
        self,
        back: Pipeline,
        done: list[Article],
        live: list[Article],
        future: Future[list[_Result]] | None,
    ) -> Iterator[Article]:
        if future is not None:
            try:
                results = future.result()
            except BrokenProcessPool:
                # a worker died (killed, out of memory): this chunk is coded here, and
                # the next chunk gets a new pool
                self._pool = None
                results = [_result(a) for a in back._run_batch(live)]
            for article, (status, reason, events, mentions) in zip(live, results, strict=True):
                article.status, article.reason = status, reason
                article.events, article.mentions = events, mentions
                article.doc = None
        yield from done

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


# ------------------------------------------------------------------------ the worker pool

#: What a worker sends back for an article: status, reason, events, actor mentions.
_Result = tuple[str, str, list[Event], list[Mention]]
#: The stages a forked worker runs; set in the parent just before the pool forks.
_WORKER_PIPELINE: Pipeline | None = None


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _shippable(article: Article) -> Article:
    """The article as a worker needs it: no signature (the parent keeps it)."""
    return replace(article, minhash=None, doc=None, title_doc=None)


def _result(article: Article) -> _Result:
    return article.status, article.reason, article.events, article.mentions


def _work(chunk: list[Article]) -> list[_Result]:
    assert _WORKER_PIPELINE is not None, "the worker was not forked from a loaded pipeline"
    return [_result(a) for a in _WORKER_PIPELINE._run_batch(chunk)]


def _orphan_guard() -> None:
    """A worker ends with its parent, even one killed outright (Linux; elsewhere the
    worker ends when it finds its task queue closed)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_pool(back: Pipeline, workers: int) -> ProcessPoolExecutor:
    """Load everything the workers use, then fork them: each starts warm, and the model's
    memory is shared until written."""
    global _WORKER_PIPELINE
    back.warm()
    _WORKER_PIPELINE = back
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_orphan_guard)


def _shutdown(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=True, cancel_futures=True)


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
