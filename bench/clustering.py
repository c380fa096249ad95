#!/usr/bin/env python3
"""Story clustering benchmark: Newsdesk's story engine against the TF-IDF baseline.

    .venv/bin/python bench/clustering.py [--data FILE.jsonl] [--orders 0,1,2,3,4]
        [--predictions DIR] [--window-articles 100000] [--copies 400] [--json] [--fit]
        [--stream-seeds 0,1] [--streams-only]

Measured in one run, on the data (default: the ECB+ dev sample in
../shared/benchmarks/clustering/dev/):

- quality: ``newsdesk.stories.engine.StoryIndex`` (the code the worker runs) is fed the
  articles one at a time in each stream order of the shared runner (``--orders`` are
  the seeds of its ``stream_order``), seeing only ``title``, ``text`` and ``date``, under
  an opaque key, in batches of 50 as the clustering consumer gets them, each batch
  followed by the consumer's consolidation of stories quiet for the settle time (3
  hours by the stream's clock), and the scheduler's every minute of the stream's clock
  (``Replay``). Its stories once the stream has gone quiet (every story settled, as the
  scheduler's settle task leaves them) are scored with the shared score.py (B-cubed,
  pairwise, ARI); every article is scored in the story it ended in, closed (idle past
  the window) or open. ECB+ has no dates: its articles share one moment, so
  consolidation happens once, after the last article. A dated ``--data`` file is
  streamed once, in date order, and scored beside a perfect engine with the window
  (``ceiling``: each real story cut where its coverage was idle past 72 hours).
- dated streams (``dated_ecb``, ``dated_simulator``): ECB+ dated by a fixed recipe
  (``dated_ecb``: seed 0; each topic's two events start 0-7 days apart, topics within 30
  days; each report's delay after its event's start exponential with a mean of 12
  hours, cut at 5 days; 20% of events cut down to one report) and the publisher
  simulator's own reports and copies, dated by their release times; Newsdesk, the
  models cross-validated by topic (ECB+), the windowed ceiling and TF-IDF with a
  3-day window.
  The runner's own TF-IDF centroid baseline (threshold 0.25, as in the README) runs
  on the same orders in this process.
- generated dated streams (``clustering_streams.py``): ``synthetic_local`` and
  ``synthetic_framings`` (the ``dev`` template family, seeds ``--stream-seeds``,
  averaged), ``heldout_local`` and ``heldout_framings`` (the held-out family, seed 0,
  kept for evaluation: other headlines, sentences, synonyms, names and outlets); each
  with Newsdesk, the windowed ceiling and TF-IDF with a 3-day window.
  ``--streams-only`` runs these alone (seconds, for trying a rule).
- ``newsdesk_cv_by_topic``: the join and merge models were fitted on this sample, so
  they are refitted here with five folds grouped by topic (no topic in both a training
  and a test fold; ``topic`` is used only to form the folds; the folds' models learn
  from stream order 0, the shipped ones from orders 0-2). Each fold's articles are
  clustered in the full stream by models fitted without that fold, and scored; the
  decision thresholds (join 0.92, merge 0.9, consolidation 0.1 per article moved up
  to 0.3, fragments of at most 8 articles) were chosen on the whole sample.
  This is the figure to expect on unseen topics.
- speed with a full window, on two cores: a synthetic stream of perturbed dev texts
  (names, numbers and some words replaced, so no article repeats another) fills the
  window with ``--window-articles`` articles (through ``restore``, the start-up path,
  from the texts, followed by the start-up settle pass, timed apart), then
  ``--measure-articles`` more are added as Newsdesk adds them: a second process, the
  extraction worker, prepares each article (``stories/prepare.py``: terms and copy
  signature) and hands on the stored form in batches of 50; this process, the
  clustering consumer, reads each batch back, adds it and runs the consolidation after
  it (the stream's clock advancing about 2 s per article). Both run at once; the rate
  is articles per second of wall-clock time, with each process's CPU rate beside (on a
  shared machine the wall clock also counts the neighbours). Cost per article does not
  grow with the window because candidate stories come from an inverted index over each
  story's heaviest terms with capped posting lists (see stories/cluster.py), not from
  a scan; the explanation is printed with the figures. The index's memory
  (``StoryIndex.memory_bytes``) and the growth of the process's peak RSS are printed.
- copies: for ``--copies`` dev articles a copy is generated (boilerplate added,
  sentences reordered, about 4% of words changed, a new headline) and fed after all
  originals. A copy counts as found when the engine names its original; precision
  counts every copy decision, including originals wrongly called copies of another
  article (the negatives: different articles about the same event).

``--fit`` prints the join and merge models fitted on the data's stream orders 0-2, and
their time-gap weights fitted on ECB+ dated with seeds 1-3 (how the shipped
coefficients in ``stories/join_model.py`` were made; ``clustering_training.py``), and
exits.

A data file without ``cluster`` is clustered and written (``--predictions``), not
scored; ``--json`` then reports speed only. Progress goes to stderr; with ``--json``
the last line of stdout is one JSON object.
"""

import argparse
import dataclasses
import hashlib
import importlib.util
import json
import math
import multiprocessing
import os
import random
import re
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clustering_streams import STREAMS  # noqa: E402  (bench/, beside this script)
from clustering_training import (  # noqa: E402
    fit_join_model,
    fit_time_gap,
    join_training_pairs,
    merge_training_pairs,
)

from newsdesk.stories.dedup import shingles  # noqa: E402
from newsdesk.stories.engine import Doc, EngineSettings, StoryIndex  # noqa: E402
from newsdesk.stories.join_model import JOIN_MODEL, MERGE_MODEL  # noqa: E402
from newsdesk.stories.prepare import Prepared, prepare  # noqa: E402
from newsdesk.stories.vectors import BlockWeights  # noqa: E402

# ../shared beside the repository; a worktree further down finds the one beside its parents
SHARED = next(
    (folder / "shared" / "benchmarks" / "clustering" for folder in ROOT.parents
     if (folder / "shared" / "benchmarks" / "clustering").is_dir()),
    ROOT.parent / "shared" / "benchmarks" / "clustering",
)
TFIDF_THRESHOLD = 0.25  # the README's choice for the dev sample
CONSUMER_BATCH = 50  # articles per clustering task (a feed's new entries)
SETTLE = timedelta(minutes=180)  # NEWSDESK_STORY_SETTLE_MINUTES's default
SCHEDULER_TICK = timedelta(minutes=1)  # the scheduler's settle task runs every minute
WHY_FAST = (
    "why it stays fast: a new article looks up its {query} heaviest terms in an inverted "
    "index whose posting lists keep the {cap} most recent stories each, votes, and compares "
    "only the best {rescore} stories in full: at most {bound} stories are touched per "
    "article whatever the window holds (a scan would touch every open story)."
)
WIRE_JACCARD = 0.3  # two dev articles sharing this much of their shingles are one wire text
BOILERPLATE = [
    "This website uses cookies to improve your experience. Accept Read More",
    "Get more stories like this in your inbox. Subscribe to our mailing list.",
    "Share this article on social media. Follow us for the latest updates.",
    "Advertisement. Continue reading below.",
    "Copyright the blog. All rights reserved. Contact us for reprints.",
    "Related posts you may like from our archive this week.",
]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_articles(path: Path) -> list[dict]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                sys.exit(
                    f"{path}:{line_no}: not JSON ({error.msg}); expected one article per "
                    "line with id, title, text, date"
                )
            if "id" not in record:
                sys.exit(f"{path}:{line_no}: no 'id' field")
            articles.append(record)
    if not articles:
        sys.exit(f"{path}: no articles")
    return articles


def opaque_key(article_id) -> str:
    return hashlib.blake2b(str(article_id).encode(), digest_size=8).hexdigest()


def to_doc(article: dict, runner) -> Doc:
    """Only title, text and date reach the engine; the id is hashed into an opaque key."""
    moment = runner.parse_date(article.get("date"))
    return Doc(
        key=opaque_key(article["id"]),
        title=article.get("title") or "",
        text=article.get("text") or "",
        published=moment.replace(tzinfo=UTC) if moment else None,
        language=article.get("language"),
    )


class Replay:
    """A stream fed to one index as Newsdesk feeds it, remembering every article's story.

    The clustering consumer adds articles in batches of ``CONSUMER_BATCH``, each followed
    by the consolidation of stories quiet for the settle time by the stream's clock; the
    scheduler consolidates once a minute too (``SCHEDULER_TICK``), so in a dated stream
    a story quiet for the settle time is looked at before newer articles close it.
    Folds (online merges and consolidation) are followed, so that every article gets its
    final story, whether or not that story is still open when the stream ends.
    """

    def __init__(self, index: StoryIndex):
        self.index = index
        self.story_of: dict[str, int] = {}
        self.folded_into: dict[int, int] = {}
        self._ticked = None

    def feed(self, docs: list[Doc]) -> None:
        for start in range(0, len(docs), CONSUMER_BATCH):
            for doc in docs[start : start + CONSUMER_BATCH]:
                self._tick(doc.published)
                assignment = self.index.add(doc)
                self.story_of[doc.key] = assignment.story_id
                for folded in assignment.merged_story_ids:
                    self.folded_into[folded] = assignment.story_id
            if self.index.clock is not None:
                self.settle(self.index.clock - SETTLE)

    def _tick(self, published: datetime | None) -> None:
        """The scheduler's settle task, for every minute the stream's clock moved on."""
        if published is None:
            return
        if self._ticked is not None and published - self._ticked >= SCHEDULER_TICK:
            self.settle(published - SETTLE)
        if self._ticked is None or published - self._ticked >= SCHEDULER_TICK:
            self._ticked = published

    def settle(self, settled_before) -> None:
        for survivor, folded in self.index.consolidate(settled_before):
            for story_id in folded:
                self.folded_into[story_id] = survivor

    def final_story(self, key: str) -> int:
        story = self.story_of[key]
        while story in self.folded_into:
            story = self.folded_into[story]
        return story


def feed(index: StoryIndex, docs: list[Doc]) -> None:
    """Add articles as the clustering consumer and the scheduler do (see ``Replay``)."""
    Replay(index).feed(docs)


def run_engine(articles: list[dict], runner, settings: EngineSettings) -> tuple[dict, float]:
    """Stream articles through a fresh index; final story of each article id, and seconds.

    The stories scored are those after the stream has gone quiet for the settle time
    (the scheduler's settle task then folds what is left): ``consolidate`` with every
    story settled. Articles without dates all carry the stream's one moment. Every
    article gets the story it ended in, closed (idle past the window) or open.
    """
    replay = Replay(StoryIndex(settings=settings))
    docs = [to_doc(a, runner) for a in articles]
    started = time.perf_counter()
    replay.feed(docs)
    replay.settle(math.inf)
    seconds = time.perf_counter() - started
    return {
        str(a["id"]): str(replay.final_story(d.key)) for a, d in zip(articles, docs, strict=True)
    }, seconds


SCORES = ("b3_precision", "b3_recall", "b3_f1", "pairwise_precision", "pairwise_recall",
          "pairwise_f1", "ari")


def summarise(per_order: list[dict]) -> dict:
    keys = (*SCORES, "articles_per_s")
    summary = {
        k: round(sum(r[k] for r in per_order) / len(per_order), 4)
        for k in keys
        if all(k in r for r in per_order)
    }
    summary["per_order"] = per_order
    return summary


def scored(seed, gold, pred, count, seconds, score_labels) -> dict:
    row = {"seed": seed, "articles_per_s": round(count / seconds, 1) if seconds else 0.0}
    if gold is not None:
        result = score_labels(gold, pred)
        row.update({k: round(result[k], 4) for k in SCORES})
    return row


def quality(raw, seeds, runner, score_labels, predictions: Path | None, has_gold: bool):
    gold = {str(a["id"]): str(a["cluster"]) for a in raw} if has_gold else None
    newsdesk, tfidf = [], []
    baseline_args = argparse.Namespace(window_days=3.0, title_weight=1.0)
    for seed in seeds:
        ordered, days = runner.stream_order(raw, seed)
        if days is not None and seed != seeds[0]:
            break  # a dated stream has one order: its dates'
        pred, seconds = run_engine(ordered, runner, EngineSettings())
        newsdesk.append(scored(seed, gold, pred, len(ordered), seconds, score_labels))
        if predictions is not None:
            predictions.mkdir(parents=True, exist_ok=True)
            with (predictions / f"order-{seed}.tsv").open("w", encoding="utf-8") as out:
                out.writelines(f"{a['id']}\t{pred[str(a['id'])]}\n" for a in ordered)
        started = time.perf_counter()
        labels = runner.run_tfidf(ordered, days, baseline_args, {}, TFIDF_THRESHOLD)
        seconds_tfidf = time.perf_counter() - started
        pred_tfidf = {str(a["id"]): label for a, label in zip(ordered, labels, strict=True)}
        tfidf.append(scored(seed, gold, pred_tfidf, len(ordered), seconds_tfidf, score_labels))
        progress(f"order {seed}: newsdesk {newsdesk[-1]}  tfidf {tfidf[-1]}")
    return summarise(newsdesk), summarise(tfidf)


def labelled(articles: list[dict], runner) -> list[tuple[str, str, str, float]]:
    """(title, text, story, publication time in seconds: 0 when undated) in stream order."""
    rows = []
    for a in articles:
        moment = runner.parse_date(a.get("date"))
        when = moment.replace(tzinfo=UTC).timestamp() if moment else 0.0
        rows.append((a.get("title") or "", a.get("text") or "", str(a["cluster"]), when))
    return rows


TIME_FIT_SEEDS = (1, 2, 3)  # datings the time weights learn from (the bench scores seed 0's)


def fit_models(streams: list[list[tuple]], dated_streams: list[list[tuple]]):
    """Join and merge models (shipped thresholds) learned from labelled streams; the
    merge fragments of stream ``n`` are cut with seed ``n``. Their time-gap weights are
    then fitted on ``dated_streams``, the other coefficients held fixed."""
    join_pairs, merge_pairs = [], []
    for seed, stream in enumerate(streams):
        join_pairs += join_training_pairs(stream, BlockWeights())
        merge_pairs += merge_training_pairs(stream, BlockWeights(), seed=seed)
    join = fit_join_model(join_pairs, JOIN_MODEL.threshold)
    merge = fit_join_model(merge_pairs, MERGE_MODEL.threshold)
    dated_join, dated_merge = [], []
    for seed, stream in enumerate(dated_streams):
        dated_join += join_training_pairs(stream, BlockWeights())
        dated_merge += merge_training_pairs(stream, BlockWeights(), seed=seed)
    return fit_time_gap(dated_join, join), fit_time_gap(dated_merge, merge)


def dated_training(raw: list[dict], runner) -> list[list[tuple]]:
    return [labelled(runner.stream_order(dated_ecb(raw, seed), 0)[0], runner)
            for seed in TIME_FIT_SEEDS]


def fitted_models(raw: list[dict], runner) -> dict:
    """The shipped models: fitted on stream orders 0-2, time weights on ECB+ dated by
    the recipe with seeds ``TIME_FIT_SEEDS``."""
    join, merge = fit_models(
        [labelled(runner.stream_order(raw, seed)[0], runner) for seed in (0, 1, 2)],
        dated_training(raw, runner),
    )
    return {"join": join.coefficients, "join_time_gap": join.time_gap,
            "merge": merge.coefficients, "merge_time_gap": merge.time_gap}


def fold_models(raw: list[dict], runner, folds: int) -> dict[str, tuple]:
    """Join and merge models fitted without each fold's topics: {article id: models}."""
    topics = sorted({a["topic"] for a in raw}, key=str)
    random.Random(0).shuffle(topics)
    fold_of = {topic: i % folds for i, topic in enumerate(topics)}
    ordered, _ = runner.stream_order(raw, 0)
    dated = dated_training(raw, runner)
    models_of = {}
    for fold in range(folds):
        id_in_fold = {str(a["id"]) for a in raw if fold_of[a["topic"]] == fold}
        join, merge = fit_models(
            [labelled([a for a in ordered if str(a["id"]) not in id_in_fold], runner)],
            [[row for row, a in zip(stream, order, strict=True)
              if str(a["id"]) not in id_in_fold]
             for stream, order in zip(dated, dated_orders(raw, runner), strict=True)],
        )
        models_of.update({key: (fold, join, merge) for key in id_in_fold})
        progress(f"cross-validation: fold {fold + 1}/{folds} fitted")
    return models_of


def dated_orders(raw: list[dict], runner) -> list[list[dict]]:
    return [runner.stream_order(dated_ecb(raw, seed), 0)[0] for seed in TIME_FIT_SEEDS]


def cross_validated(raw, seeds, runner, score_labels, models_of: dict, folds: int = 5):
    """Each topic fold scored with models fitted on the other folds' topics (``models_of``:
    ``fold_models``).

    The engine runs over the whole stream (as in production, among other topics' news)
    once per fold with that fold's models; only the fold's articles are scored, each
    fold's stories kept apart. The two decision thresholds stay the shipped ones.
    """
    per_order = []
    for seed in seeds:
        ordered, days = runner.stream_order(raw, seed)
        if days is not None and seed != seeds[0]:
            break
        pred, seconds = {}, 0.0
        for fold in range(folds):
            fold_ids = {str(a["id"]) for a in ordered if models_of[str(a["id"])][0] == fold}
            if not fold_ids:
                continue
            _, join, merge = models_of[next(iter(fold_ids))]
            fold_pred, fold_seconds = run_engine(ordered, runner,
                                                 EngineSettings(join=join, merge=merge))
            pred.update({k: f"{fold}:{v}" for k, v in fold_pred.items() if k in fold_ids})
            seconds += fold_seconds
        gold = {str(a["id"]): str(a["cluster"]) for a in ordered}
        per_order.append(scored(seed, gold, pred, len(ordered) * folds, seconds,
                                score_labels))
        progress(f"order {seed}: newsdesk, cross-validated by topic {per_order[-1]}")
    return summarise(per_order)


# --------------------------------------------------------------------------- dated streams

DATED_START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
TOPIC_SPREAD_DAYS = 30  # each topic's first event starts within this many days
SIBLING_DAYS = 7  # a topic's two events start 0-7 days apart
REPORT_DELAY_MEAN_HOURS = 12  # each report's delay after its event's start: exponential
REPORT_DELAY_CAP = timedelta(days=5)
LONE_EVENT_SHARE = 0.2  # events cut down to a single report
WINDOW_HOURS = 72  # NEWSDESK_STORY_WINDOW_HOURS's default


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def dated_ecb(raw: list[dict], seed: int = 0) -> list[dict]:
    """ECB+ dated by the issue's fixed recipe, for streams with a window.

    With ``random.Random(seed)``, topics in their order in the file: the topic's first
    event starts within ``TOPIC_SPREAD_DAYS`` of the stream's start (so several topics
    are in the window at once), its other event 0-7 days later (which of the two comes
    first is drawn too); each report's delay after its event's start is exponential
    with a mean of 12 hours, cut at 5 days; 20% of events are cut down to one report
    (drawn among theirs), as lone reports.
    """
    rng = random.Random(seed)
    by_topic: dict[str, dict[str, list[dict]]] = {}
    for article in raw:
        by_topic.setdefault(str(article["topic"]), {}).setdefault(
            str(article["cluster"]), []
        ).append(article)
    dated = []
    for events in by_topic.values():
        first = DATED_START + timedelta(days=rng.uniform(0, TOPIC_SPREAD_DAYS))
        labels = sorted(events)
        rng.shuffle(labels)
        for n, label in enumerate(labels):
            start = first + timedelta(days=rng.uniform(0, SIBLING_DAYS)) if n else first
            reports = events[label]
            if rng.random() < LONE_EVENT_SHARE:
                reports = [rng.choice(reports)]
            for article in reports:
                delay = timedelta(hours=rng.expovariate(1 / REPORT_DELAY_MEAN_HOURS))
                dated.append({**article, "date": stamp(start + min(delay, REPORT_DELAY_CAP))})
    return dated


def simulator_stream() -> list[dict]:
    """The publisher simulator's own reports and copies, dated by their release times.

    Gold stories are the simulator's events, one per language (Newsdesk never puts two
    languages in one story); a copy belongs to its original's event.
    """
    from newsdesk.simulator.content import COPIES, REPORTS

    def record(report, key, offset_s):
        return {
            "id": key,
            "title": report.headline,
            "text": "\n".join(report.paragraphs),
            "date": stamp(DATED_START + timedelta(seconds=offset_s)),
            "language": report.language,
            "cluster": f"{report.event}:{report.language}",
        }

    by_slug = {(r.publisher, r.slug): r for r in REPORTS}
    stream = [record(r, f"{r.publisher}/{r.slug}", r.offset_s) for r in REPORTS]
    for copy in COPIES:
        original = by_slug[(copy.original_publisher, copy.original_slug)]
        stream.append(record(original, f"{copy.publisher}/{copy.original_slug}", copy.offset_s))
    return stream


def windowed_ceiling(articles: list[dict], runner, hours: float = WINDOW_HOURS) -> dict:
    """A perfect engine with the window: each real story, cut wherever its coverage was
    idle for longer than the window (a story closed then cannot be joined again)."""
    by_story: dict[str, list[tuple[datetime, str]]] = {}
    for article in articles:
        by_story.setdefault(str(article["cluster"]), []).append(
            (runner.parse_date(article["date"]), str(article["id"]))
        )
    pred = {}
    for label, reports in by_story.items():
        piece, last = 0, None
        for moment, key in sorted(reports):
            if last is not None and (moment - last).total_seconds() > hours * 3600:
                piece += 1
            pred[key] = f"{label}#{piece}"
            last = moment
    return pred


def dated_quality(name, articles, runner, score_labels, models_of=None, folds: int = 5):
    """Newsdesk, TF-IDF (3-day window) and the windowed ceiling on one dated stream."""
    ordered, days = runner.stream_order(articles, 0)
    gold = {str(a["id"]): str(a["cluster"]) for a in ordered}
    pred, seconds = run_engine(ordered, runner, EngineSettings())
    report = {"articles": len(ordered), "stories": len(set(gold.values())),
              "newsdesk": scored(0, gold, pred, len(ordered), seconds, score_labels)}
    ceiling = windowed_ceiling(ordered, runner)
    report["ceiling"] = scored(0, gold, ceiling, len(ordered), 0, score_labels)
    del report["ceiling"]["articles_per_s"]
    if models_of is not None:
        report["newsdesk_cv_by_topic"] = cross_validated(
            ordered, [0], runner, score_labels, models_of, folds)["per_order"][0]
    labels = runner.run_tfidf(ordered, days, argparse.Namespace(window_days=3.0,
                              title_weight=1.0), {}, TFIDF_THRESHOLD)
    pred_tfidf = {str(a["id"]): label for a, label in zip(ordered, labels, strict=True)}
    report["tfidf"] = scored(0, gold, pred_tfidf, len(ordered), 0, score_labels)
    del report["tfidf"]["articles_per_s"]
    for method in ("newsdesk", "newsdesk_cv_by_topic", "ceiling", "tfidf"):
        if method in report:
            progress(f"{name}: {method} {report[method]}")
    return report


# --------------------------------------------------------------------------- synthetic streams

SYNTHETIC_KEYS = ("synthetic_local", "synthetic_framings", "heldout_local",
                  "heldout_framings")


def synthetic_quality(runner, score_labels, seeds: list[int]) -> dict:
    """The generated dated streams (``clustering_streams.py``): local crime and framings.

    ``synthetic_*``: the ``dev`` template family, averaged over ``seeds`` (the one to tune
    on); ``heldout_*``: the held-out family (other templates, vocabulary, names and
    outlets), seed 0, for evaluation only. Each with Newsdesk, the perfect engine with
    the 72-hour window (``ceiling``) and TF-IDF with a 3-day window.
    """
    report = {}
    for kind, generate in STREAMS.items():
        for family, family_seeds in (("dev", seeds), ("heldout", [0])):
            runs = [dated_quality(f"{family} {kind} (seed {seed})", generate(seed, family),
                                  runner, score_labels) for seed in family_seeds]
            merged = {"articles": sum(r["articles"] for r in runs),
                      "stories": sum(r["stories"] for r in runs), "seeds": family_seeds}
            for method in ("newsdesk", "ceiling", "tfidf"):
                merged[method] = {k: round(sum(r[method][k] for r in runs) / len(runs), 4)
                                  for k in runs[0][method] if k != "seed"}
            key = f"{'synthetic' if family == 'dev' else 'heldout'}_{kind}"
            report[key] = merged
    return report


# --------------------------------------------------------------------------- synthetic

NAME_RE = re.compile(r"\b[A-Z][a-z]+\b")
NUMBER_RE = re.compile(r"\b\d+\b")
WORD_RE = re.compile(r"\b[a-z]{4,}\b")
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vor",
    "sa",
    "bel",
    "dun",
    "ek",
    "fa",
    "gor",
    "hal",
    "is",
    "jun",
    "ko",
    "lin",
    "mar",
    "nes",
    "ol",
    "pra",
    "qui",
    "ros",
    "tu",
]


def fake_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def perturbed(
    text: str, names: dict, rng: random.Random, vocabulary: list[str], word_rate: float
) -> str:
    """Rename capitalised words (consistently per event), reroll numbers, swap some words."""
    text = NAME_RE.sub(lambda m: names.setdefault(m.group(), fake_name(rng)), text)
    text = NUMBER_RE.sub(lambda m: str(rng.randint(2, 999)), text)
    return WORD_RE.sub(
        lambda m: rng.choice(vocabulary) if rng.random() < word_rate else m.group(), text
    )


def synthetic_stream(raw: list[dict], count: int, seed: int = 7):
    """(doc, event) pairs: events are dev stories under fresh names, 3..12 articles each."""
    rng = random.Random(seed)
    by_story: dict[str, list[dict]] = {}
    for article in raw:
        by_story.setdefault(str(article.get("cluster", article["id"])), []).append(article)
    stories = list(by_story.values())
    vocabulary = sorted({w for a in raw[:200] for w in WORD_RE.findall(a.get("text") or "")})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(hours=60) / max(count, 1)  # the whole stream fits in the 72 h window
    produced, event = 0, 0
    while produced < count:
        members = rng.choice(stories)
        names: dict[str, str] = {}
        for article in rng.sample(members, min(len(members), rng.randint(3, 12))):
            if produced >= count:
                break
            doc = Doc(
                key=f"s{produced}",
                title=perturbed(article.get("title") or "", names, rng, vocabulary, 0.05),
                text=perturbed(article.get("text") or "", names, rng, vocabulary, 0.05),
                published=start + produced * step,
            )
            yield doc, event
            produced += 1
        event += 1


def window_speed(raw, window_articles: int, measure_articles: int) -> dict:
    """Articles/s with ``window_articles`` open, on two cores; index MB; restore rate."""
    index = StoryIndex(max_docs=window_articles + measure_articles + 1)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stream = synthetic_stream(raw, window_articles + measure_articles)
    story_of_event: dict[int, int] = {}
    started = time.process_time()
    for n, (doc, event) in enumerate(stream):
        story = story_of_event.setdefault(event, len(story_of_event) + 1)
        index.restore(doc, story)
        if (n + 1) % 20_000 == 0:
            progress(f"window: {n + 1} articles restored")
        if n + 1 == window_articles:
            break
    restore_rate = window_articles / (time.process_time() - started)
    # a consumer that starts looks again at the small stories it restored (the one before
    # it may have stopped before they settled): a start-up cost, measured apart
    started = time.process_time()
    folds = index.consolidate(index.clock - SETTLE)
    progress(f"window: start-up settle pass {time.process_time() - started:.1f} CPU-seconds, "
             f"{sum(len(folded) for _, folded in folds)} restored stories folded")
    memory_mb = index.memory_bytes() / 1e6
    rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    progress(
        f"window: {len(index)} articles open, restore {restore_rate:.0f} per CPU-second "
        f"(from text), index {memory_mb:.1f} MB (estimate), peak RSS grew {rss_mb:.0f} MB"
    )
    docs = [doc for doc, _ in stream]
    figures = two_core_pipeline(index, docs)
    bounds = index.settings.clusters
    progress(WHY_FAST.format(query=bounds.query_terms, cap=bounds.posting_cap,
                             rescore=bounds.rescore,
                             bound=bounds.query_terms * bounds.posting_cap))
    return {**figures, "index_mb": round(memory_mb, 1)}


def two_core_pipeline(index: StoryIndex, docs: list[Doc]) -> dict:
    """Add ``docs`` as Newsdesk does on two cores, and time it.

    One process is the extraction worker: it prepares each article (``stories.prepare``)
    and hands on the stored form, in batches of ``CONSUMER_BATCH``. This process is the
    clustering consumer: it reads each batch back, adds it to the full index and runs
    the consolidation after it. Both run at once; the rate is articles per second of
    wall-clock time, with each process's CPU time printed beside (on a shared machine the
    wall clock also counts the neighbours, the CPU times do not).
    """
    cores = len(os.sched_getaffinity(0))
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    worker = context.Process(
        target=prepare_batches, args=(theirs, [(d.title, d.text) for d in docs]), daemon=True
    )
    worker.start()
    if ours.recv() != "ready":
        sys.exit("bench/clustering.py: the preparing process did not start")
    started, cpu_started = time.perf_counter(), time.process_time()
    ours.send("go")
    position = 0
    while position < len(docs):
        batch = [
            dataclasses.replace(doc, prepared=Prepared.from_bytes(data))
            for doc, data in zip(docs[position:], ours.recv(), strict=False)
        ]
        feed(index, batch)
        position += len(batch)
    wall = time.perf_counter() - started
    consumer_cpu = time.process_time() - cpu_started
    worker_cpu = ours.recv()
    worker.join()
    figures = {
        "window_100k_articles_per_s": round(len(docs) / wall, 1),
        "window_100k_consumer_articles_per_cpu_s": round(len(docs) / consumer_cpu, 1),
        "window_100k_prepare_articles_per_cpu_s": round(len(docs) / worker_cpu, 1),
    }
    one_core = len(docs) / (consumer_cpu + worker_cpu)
    progress(
        f"window: {figures['window_100k_articles_per_s']:.0f} articles/s on {min(cores, 2)} "
        f"cores (wall clock, {cores} cores here, load average {os.getloadavg()[0]:.1f}) "
        f"with {len(index)} articles in the window; clustering consumer "
        f"{figures['window_100k_consumer_articles_per_cpu_s']:.0f} per CPU-second, "
        f"preparing {figures['window_100k_prepare_articles_per_cpu_s']:.0f} per CPU-second "
        f"(both on one core would be {one_core:.0f} per CPU-second)"
    )
    return figures


def prepare_batches(connection, items: list[tuple[str, str]]) -> None:
    """The extraction worker's share (run in its own process by ``two_core_pipeline``)."""
    prepare("Warm-up", "Loads the word list once, as a running worker has.")
    connection.send("ready")
    connection.recv()
    started = time.process_time()
    for start in range(0, len(items), CONSUMER_BATCH):
        batch = items[start : start + CONSUMER_BATCH]
        connection.send([prepare(title, text).to_bytes() for title, text in batch])
    connection.send(time.process_time() - started)


# --------------------------------------------------------------------------- copies


def make_copy(article: dict, rng: random.Random, vocabulary: list[str]) -> tuple[str, str]:
    sentences = [s for s in (article.get("text") or "").split("\n") if s.strip()]
    if len(sentences) > 2:
        head, tail = sentences[:1], sentences[1:]
        rng.shuffle(tail)
        sentences = head + tail if rng.random() < 0.5 else tail + head
    words = "\n".join(sentences)
    words = WORD_RE.sub(
        lambda m: rng.choice(vocabulary) if rng.random() < 0.04 else m.group(), words
    )
    boilerplate = rng.sample(BOILERPLATE, 3)
    text = "\n".join([boilerplate[0], words, *boilerplate[1:]])
    title = "Must read: " + " ".join((article.get("title") or "").split()[:6][::-1])
    return title, text


def true_jaccard(a: str, b: str) -> float:
    first, second = shingles(a), shingles(b)
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def copy_detection(raw: list[dict], runner, copies: int, seed: int = 3):
    """Precision and recall of copy decisions; see the module docstring.

    The dev sample itself holds wire stories republished by several outlets. An original
    called a copy of another counts as a false positive when the two share less than
    ``WIRE_JACCARD`` of their shingles (two outlets' own reports); above it they are one
    wire text, neither a negative nor a generated positive, and are only counted.
    """
    rng = random.Random(seed)
    ordered, _ = runner.stream_order(raw, 0)
    text_of = {opaque_key(a["id"]): a.get("text") or "" for a in ordered}
    vocabulary = sorted({w for a in raw[:200] for w in WORD_RE.findall(a.get("text") or "")})
    index = StoryIndex()
    false_alarms = wire = 0
    for article in ordered:
        original = index.add(to_doc(article, runner)).copy_of
        if original is not None:
            if true_jaccard(article.get("text") or "", text_of[original]) < WIRE_JACCARD:
                false_alarms += 1
            else:
                wire += 1
    eligible = [a for a in ordered if len((a.get("text") or "").split()) >= 40]
    found = wrong = 0
    for n, article in enumerate(rng.sample(eligible, min(copies, len(eligible)))):
        title, text = make_copy(article, rng, vocabulary)
        result = index.add(Doc(key=f"copy{n}", title=title, text=text, published=None))
        if result.copy_of == opaque_key(article["id"]):
            found += 1
        elif result.copy_of is not None and result.copy_of not in wire_group(
            index, opaque_key(article["id"])
        ):
            wrong += 1
        else:
            found += result.copy_of is not None
    total = min(copies, len(eligible))
    decisions = found + wrong + false_alarms
    precision = found / decisions if decisions else 1.0
    recall = found / total if total else 0.0
    progress(
        f"copies: {found}/{total} generated copies found, {wrong} named a wrong "
        f"original; {false_alarms} originals called copies of an own report, "
        f"{wire} of a wire text they share (not scored)"
    )
    return round(precision, 4), round(recall, 4)


def wire_group(index: StoryIndex, key: str) -> set[str]:
    """The article and the originals it was itself found to copy (one wire text)."""
    original = index.copy_of(key)
    return {key, original} if original else {key}


# --------------------------------------------------------------------------- main


def score_line(name: str, r: dict) -> str:
    return (f"{name:26s} B3 P={r['b3_precision']:.3f} R={r['b3_recall']:.3f} "
            f"F1={r['b3_f1']:.3f}  pairwise P={r['pairwise_precision']:.3f} "
            f"R={r['pairwise_recall']:.3f} F1={r['pairwise_f1']:.3f}")


def print_summary(report: dict, window_articles: int) -> None:
    for method in ("newsdesk", "newsdesk_cv_by_topic", "tfidf", "ceiling"):
        if method in report and "b3_f1" in report[method]:
            print(score_line(method, report[method]))
    for stream in ("dated_ecb", "dated_simulator", *SYNTHETIC_KEYS):
        for method in ("newsdesk", "newsdesk_cv_by_topic", "ceiling", "tfidf"):
            if method in report.get(stream, {}):
                print(score_line(f"{stream} {method}", report[stream][method]))
    if window_articles > 0:
        print(f"window {window_articles} articles: {report['window_100k_articles_per_s']} "
              f"articles/s, index {report['index_mb']} MB")
    if "copy_precision" in report:
        print(f"copies: precision {report['copy_precision']} recall {report['copy_recall']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "dev" / "ecbplus_dev.jsonl")
    parser.add_argument("--orders", default="0,1,2,3,4")
    parser.add_argument("--predictions", type=Path, default=None)
    parser.add_argument("--window-articles", type=int, default=100_000)
    parser.add_argument("--measure-articles", type=int, default=5_000)
    parser.add_argument("--copies", type=int, default=400)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--stream-seeds", default="0",
                        help="seeds of the synthetic 'dev' streams (clustering_streams.py)")
    parser.add_argument("--streams-only", action="store_true",
                        help="only the synthetic dated streams (no ECB+, speed or copies)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fit", action="store_true",
                        help="print the models fitted on stream orders 0-2 and exit")
    args = parser.parse_args()

    if not (SHARED / "score.py").is_file() or not (SHARED / "run_baselines.py").is_file():
        sys.exit(
            f"bench/clustering.py needs the shared benchmark folder {SHARED} "
            "(score.py, run_baselines.py); it is not there. Put the shared folder "
            "beside the repository (../shared) and run again."
        )
    if not args.data.is_file():
        sys.exit(f"bench/clustering.py: data file {args.data} not found; pass --data FILE.jsonl")
    try:
        seeds = [int(s) for s in args.orders.split(",") if s.strip()]
    except ValueError:
        sys.exit(f"--orders {args.orders!r}: expected comma-separated integers, e.g. 0,1,2")
    score_labels = load_module("clustering_score", SHARED / "score.py").score_labels
    runner = load_module("clustering_runner", SHARED / "run_baselines.py")
    try:
        args.stream_seeds = [int(s) for s in args.stream_seeds.split(",") if s.strip()]
    except ValueError:
        sys.exit(f"--stream-seeds {args.stream_seeds!r}: expected comma-separated integers")
    if args.streams_only:
        report = synthetic_quality(runner, score_labels, args.stream_seeds)
        print_summary(report, 0)
        if args.json:
            print(json.dumps(report, allow_nan=False))
        return

    raw = load_articles(args.data)
    has_gold = all("cluster" in a for a in raw)
    progress(
        f"{len(raw)} articles from {args.data}; "
        f"{'scored against cluster labels' if has_gold else 'no cluster labels: not scored'}"
    )
    if args.fit:
        if not has_gold:
            sys.exit(f"--fit: {args.data} has no 'cluster' labels to learn from")
        print(json.dumps(fitted_models(raw, runner)))
        return
    newsdesk, tfidf = quality(raw, seeds, runner, score_labels, args.predictions, has_gold)
    report = {"newsdesk": newsdesk, "tfidf": tfidf}
    dated = runner.stream_order(raw, 0)[1] is not None
    if has_gold and dated:
        ceiling = windowed_ceiling(raw, runner)
        gold = {str(a["id"]): str(a["cluster"]) for a in raw}
        report["ceiling"] = {k: round(v, 4) for k, v in score_labels(gold, ceiling).items()
                             if k in SCORES}
    models_of = None
    if has_gold and all("topic" in a for a in raw) and args.folds > 1:
        models_of = fold_models(raw, runner, args.folds)
        report["newsdesk_cv_by_topic"] = cross_validated(
            raw, seeds, runner, score_labels, models_of, args.folds
        )
    if has_gold and all("topic" in a for a in raw) and not dated:
        report["dated_ecb"] = dated_quality("dated ECB+", dated_ecb(raw), runner, score_labels,
                                            models_of, args.folds)
    report["dated_simulator"] = dated_quality("simulator", simulator_stream(), runner,
                                              score_labels)
    report.update(synthetic_quality(runner, score_labels, args.stream_seeds))
    if args.window_articles > 0:
        report.update(window_speed(raw, args.window_articles, args.measure_articles))
    if has_gold and args.copies > 0:
        report["copy_precision"], report["copy_recall"] = copy_detection(raw, runner, args.copies)
    if not has_gold:
        report = {
            "newsdesk": {"articles_per_s": newsdesk["articles_per_s"]},
            **{key: value for key, value in report.items()
               if key.startswith(("window", "index", "dated_simulator"))},
        }
    print_summary(report, args.window_articles)
    if args.json:
        text = json.dumps(report, allow_nan=False)
        print(text)


if __name__ == "__main__":
    main()
