"""Ordered stages over ``Article`` records: clean -> nlp -> code (actors + events).

Each stage is a small callable ``Article -> Article`` that says what it needs
and provides; the pipeline checks that chain once, when it is built. The nlp
stage also has a batched ``pipe`` because spaCy is fastest on batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from .actors.dictionaries import load_user_actors
from .actors.kb import KnowledgeBase, shipped, with_user_actors
from .actors.resolve import DocActors
from .clean import Clean
from .config import Settings
from .dedup import Dedup
from .errors import StageError
from .events import triggers
from .events.coder import code_doc
from .models import Article
from .nlp import BATCH_SIZE
from .nlp import load as load_nlp


class Stage(Protocol):
    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


class Parse:
    """Stage: run spaCy over the cleaned text (``Article.doc``)."""

    name = "nlp"
    needs = ("text",)
    provides = ("doc",)

    def __init__(self, workers: int = 1, batch_size: int = BATCH_SIZE) -> None:
        self.workers = workers
        self.batch_size = batch_size

    def __call__(self, article: Article) -> Article:
        if article.status == "new":
            article.doc = load_nlp()(article.text)
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        pending = list(articles)
        live = [a for a in pending if a.status == "new"]
        docs = load_nlp().pipe(
            (a.text for a in live), batch_size=self.batch_size, n_process=self.workers
        )
        for article, doc in zip(live, docs, strict=True):
            article.doc = doc
        yield from pending


class Code:
    """Stage: actors and events from the parsed document."""

    name = "code"
    needs = ("doc",)
    provides = ("events", "mentions")

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or shipped()
        self.lexicon = triggers.shipped()

    def __call__(self, article: Article) -> Article:
        if article.status != "new" or article.doc is None:
            return article
        actors = DocActors(article.doc, self.kb, article.date)
        article.events = code_doc(article.doc, actors, self.lexicon, article.id, article.date)
        article.status = "coded"
        article.doc = None  # docs are large; nothing after this stage reads them
        return article


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
        signatures: Iterable[tuple[str, str, bytes]] = (),
    ) -> Pipeline:
        """clean -> dedup -> nlp -> code; ``known_hashes`` and ``signatures`` describe the
        stories already stored (exact copies and reworded copies of them are not recoded)."""
        settings = settings or Settings()
        kb = with_user_actors(load_user_actors(settings.actors)) if settings.actors else shipped()
        stages: list[Stage] = [Clean()]
        if dedup:
            stages.append(Dedup(known_hashes, signatures))
        stages += [Parse(settings.workers, settings.batch_size), Code(kb)]
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
        items: Iterable[Article] = chunk
        for stage in self.stages:
            if hasattr(stage, "pipe"):
                items = list(stage.pipe(items))
            else:
                items = [_guarded(stage, a) for a in items]
        yield from items


def _guarded(stage: Stage, article: Article) -> Article:
    try:
        return stage(article)
    except Exception as exc:  # one bad document must not stop the run
        err = StageError(stage.name, article.id, exc)
        article.status = "rejected"
        article.reason = str(err)
        article.doc = None
        return article
