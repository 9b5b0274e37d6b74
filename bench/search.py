"""Time search on PostgreSQL over a large generated catalogue.

    scripts/with-postgres .venv/bin/python bench/search.py                  # 1M papers
    scripts/with-postgres .venv/bin/python bench/search.py --papers 20000 --summaries 2000

Needs an empty PostgreSQL database (scripts/with-postgres makes a fresh one): it applies
the migrations, fills the tables with generated text in SQL, lets the search trigger
compute the vectors, builds the GIN index, then runs a fixed mix of queries through the
search view's own code (`search.views._search`, paginated, with snippets: the page's
count query and its results query) and prints latency percentiles. Target: p95 of
50 ms or less.
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortscience.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from search import views  # noqa: E402
from search.text import clean_query, parse_query  # noqa: E402


def _words(text):
    return text.split()


# Words of paper abstracts, most frequent first: the head of the vocabulary.
VOCABULARY_TEXT = """
model learning data method results network approach performance training show propose
based task neural paper problem deep new state art use different large set time two
information system using framework work existing methods models networks proposed
algorithm analysis first experiments demonstrate improve high present study tasks
features structure challenging accuracy effective approaches significantly representation
provide however function propose efficient domain applications end well number single
previous including multiple evaluate simple general multi novel often various level
novel outperforms benchmark datasets prediction image images text language real world
knowledge inference optimization process generation problems representations loss
results robust scale complex objective architecture dataset recent supervised label
labels input output trained achieve key low quality step theoretical practical study
capture local global learn sample samples distribution space parameters parameter
error signal prior variables latent variable policy reward agent environment control
gradient descent stochastic convergence convex bound bounds regret online offline
sequence sequences temporal spatial graph graphs node nodes edge edges attention
transformer transformers encoder decoder embedding embeddings token tokens vision visual
video audio speech recognition detection segmentation classification regression
clustering retrieval ranking recommendation translation summarization question answering
dialogue reasoning memory recurrent convolutional layer layers depth width activation
normalization batch dropout regularization generalization overfitting pretraining
pretrained fine tuning transfer adaptation shift robustness adversarial attack attacks
defense privacy federated distributed parallel compute hardware efficient efficiency
compression pruning quantization distillation sparse sparsity dense mixture experts
routing scaling laws emergent alignment preference feedback human annotation crowd
weak semi unsupervised self contrastive augmentation invariance equivariance symmetry
geometric manifold kernel gaussian process bayesian posterior variational elbo
likelihood density estimation sampling monte carlo markov chain diffusion score
denoising generative adversarial discriminator generator autoencoder vae flow flows
normalizing energy boltzmann hopfield associative capsule residual skip connection
highway inception resnet vgg alexnet lenet unet bert xlnet llama clip dalle imagen
stable whisper wav2vec conformer mamba state space rnn lstm gru cnn mlp perceptron
relu gelu swish softmax sigmoid tanh logits entropy cross divergence kullback leibler
wasserstein optimal transport sinkhorn metric distance similarity cosine euclidean
hashing quantized codebook vector discrete continuous categorical gumbel relaxation
reparameterization estimator variance bias tradeoff ensemble bagging boosting forest
tree trees decision random search beam greedy planning monte tree exploration
exploitation bandit bandits thompson ucb epsilon curiosity intrinsic hierarchical option
options skill skills imitation inverse demonstration behavior cloning model free based
value actor critic advantage proximal trust region q learning temporal difference
bellman horizon discount episodic continual lifelong catastrophic forgetting replay
buffer meta few shot zero prompt prompting chain thought instruction instructions
tuning lora adapter adapters prefix soft hard retrieval augmented rag lexicon lexicons modular
code program synthesis theorem proving mathematical math arithmetic symbolic logic
causal causality counterfactual intervention confounding fairness bias debiasing
interpretability explainability saliency attribution probing mechanistic circuits
neurons superposition feature features dictionary sparse autoencoders steering
calibration uncertainty conformal selective abstention ood anomaly novelty detection
out distribution long tail imbalance class classes multilabel hierarchical taxonomy
ontology entity entities relation relations extraction linking coreference parsing
syntax semantic semantics pragmatics discourse morphology phonology tokenization
subword byte character multilingual crosslingual lowresource machine neural speech
synthesis vocoder prosody speaker diarization separation enhancement noise robust
camera depth stereo optical flow pose tracking keypoint mesh point cloud lidar radar
autonomous driving navigation robot robotics manipulation grasping locomotion legged
humanoid simulation sim2real physics rendering neural radiance fields nerf gaussian
splatting volumetric implicit surface reconstruction inverse graphics texture lighting
medical clinical radiology pathology histology genomics protein proteins folding
molecule molecular drug discovery docking chemistry materials crystal catalyst climate
weather forecasting earth satellite remote sensing agriculture energy grid battery
finance trading portfolio risk fraud economics auction mechanism game games nash
equilibrium multiagent cooperative competitive communication emergent language
social network networks community influence epidemic spread misinformation
recommendation collaborative filtering matrix factorization tensor decomposition
low rank spectral eigenvalue eigenvectors laplacian diffusion wavelet fourier
frequency convolution pooling stride dilation receptive field upsampling deconvolution
interpolation extrapolation compositional systematic generalization length curriculum
scheduling warmup learning rate momentum adam sgd adagrad rmsprop weight decay clipping
initialization lottery ticket pruning mode connectivity loss landscape sharpness flat
minima saddle points hessian curvature second order newton quasi lbfgs natural
fisher information geometry mirror descent dual primal lagrangian constraint constraints
combinatorial integer linear programming submodular greedy approximation hardness
complexity polynomial lower upper sample complexity pac learnability vc dimension
rademacher margin svm support vector perceptron boosting adaboost logistic linear
ridge lasso elastic net feature selection dimensionality reduction pca tsne umap
manifold embedding isomap autoencoding self supervised masked modeling next token
autoregressive nonautoregressive parallel decoding speculative caching kv cache
inference latency throughput memory footprint flash attention linear attention long
context window positional encoding rotary relative absolute sinusoidal learned
vision language multimodal captioning grounding referring visual question answering
document ocr table chart layout scene text handwriting sketch drawing art style
transfer editing inpainting outpainting super resolution deblurring dehazing low light
hdr color colorization face faces identity verification biometric fingerprint gait
action activity event temporal localization anomaly surveillance crowd counting
"""
# A word listed twice keeps its first rank.
VOCABULARY = list(dict.fromkeys(_words(VOCABULARY_TEXT)))

FIRST_NAMES = _words("""
Ada Alan Grace Yann Geoffrey Yoshua Fei Andrew Daphne Michael Judea Leslie Barbara
Shafi Silvio Ian Ilya Oriol Demis David Richard Sergey Quoc Jeff Kaiming Ross Piotr
Chelsea Sergey Pieter Percy Chris Emily Timnit Joy Kate Jure Max Zoubin Neil Bernhard
Ruslan Hinton Alex Aaron Diederik Durk Tim Lukasz Noam Ashish Jakob Llion Niki Aidan
""")
LAST_NAMES = _words("""
Lovelace Turing Hopper LeCun Hinton Bengio Li Ng Koller Jordan Pearl Valiant Liskov
Goldwasser Micali Goodfellow Sutskever Vinyals Hassabis Silver Sutton Levine Le Dean He
Girshick Dollar Finn Abbeel Liang Manning Bender Gebru Buolamwini Crawford Leskovec
Welling Ghahramani Lawrence Scholkopf Salakhutdinov Krizhevsky Courville Kingma Salimans
Kaiser Shazeer Vaswani Uszkoreit Jones Parmar Gomez Polosukhin Bahdanau Cho Graves
Schmidhuber Hochreiter Mikolov Pennington Devlin Radford Brown Kaplan Hoffmann Chowdhery
Raffel Lewis Liu Zhang Wang Chen Yang Zhao Wu Zhou Xu Sun Ma Hu Lin Guo Luo Gao Huang
""")
VENUES = [
    "NeurIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "AAAI",
    "IJCAI", "KDD", "WWW", "SIGIR", "COLT", "AISTATS", "UAI", "JMLR", "TPAMI", "arXiv",
]  # fmt: skip

# Real text has a long tail of rare terms (model names, jargon). After the words above
# come made-up compounds, "attentionformer" and the like: word w with suffix x is term
# number len(VOCABULARY) + w * len(SUFFIXES) + x, some 30,000 terms in all.
SUFFIXES = _words("""
net former gan bert flow fold vae zero mix match seg det rl nerf clip pt lm diff graph
pool norm attn conv lstm rnn tune prompt dist quant prune boost tree hash embed code vit
mae moe lora xl
""")

# Titles name what a paper is about, not that it "proposes a method" with "results":
# they skip the most common, generic words.
TITLE_SKIP = 50

# Generated text: term number r with a probability falling as 1/r, as in real text
# (Zipf's law). Then the commonest words are in nearly every document, word 100 in about
# one in ten, word 1,000 in one in a hundred, and the rarest compounds in a few hundred
# documents of a million.
CREATE_FUNCTIONS = """
CREATE FUNCTION bench_text(words text[], suffixes text[], n int, skip int) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(
        CASE WHEN t.r <= sizes.w THEN words[t.r]
             ELSE words[1 + (t.r - sizes.w - 1) / sizes.s]
                  || suffixes[1 + (t.r - sizes.w - 1) % sizes.s] END,
        ' ')
    FROM (SELECT array_length(words, 1) AS w, array_length(suffixes, 1) AS s) AS sizes,
         LATERAL (
             SELECT skip + floor(power(sizes.w * (sizes.s + 1) - skip + 1, random()))::int AS r
             FROM generate_series(1, n)
         ) AS t
$$;
CREATE FUNCTION bench_names(firsts text[], lasts text[], n int) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(
        firsts[1 + floor(random() * array_length(firsts, 1))::int] || ' '
        || lasts[1 + floor(random() * array_length(lasts, 1))::int], ', ')
    FROM generate_series(1, n)
$$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION bench_text(text[], text[], int, int);
DROP FUNCTION bench_names(text[], text[], int);
"""

# Rows are generated in SQL, several per statement, by two connections at once.
INSERT_PAPERS = """
INSERT INTO papers_paper (id, bibtex_key, title, title_html, normalized_title, authors, venue,
                          year, abstract, abstract_html, renderer_version, url, arxiv_id, doi,
                          created_at)
SELECT g, 'bench/Paper' || g, title,
       -- No math in a title of plain words: papers.models.render_title gives "".
       '',
       -- papers.duplicates.normalize_title of a title of plain words.
       lower(title),
       bench_names(%(firsts)s, %(lasts)s, 2 + g %% 4),
       (%(venues)s::text[])[1 + floor(power(random(), 2) * %(venue_count)s)::int],
       2024 - floor(power(random(), 2) * 30)::int,
       bench_text(%(words)s, %(suffixes)s, 80 + g %% 80, 0), '', 0, '', '', '', now()
FROM generate_series(%(start)s, %(stop)s) AS g,
     LATERAL initcap(bench_text(%(words)s, %(suffixes)s, 5 + g %% 7, %(title_skip)s)) AS title
"""
# One summary in ten is private, one in ten anonymous. Summary g is of paper
# 1 + g * 7919 mod papers: distinct papers, spread over the table.
INSERT_SUMMARIES = """
INSERT INTO summaries_summary (id, paper_id, author_id, body, body_html, renderer_version,
                               is_private, is_anonymous, score, hotness, is_hidden, created_at,
                               updated_at)
SELECT g, 1 + (g::bigint * 7919) %% %(papers)s, 1 + g %% %(users)s,
       bench_text(%(words)s, %(suffixes)s, 150 + g %% 250, 0), '', 0, g %% 10 = 3, g %% 10 = 5, 0,
       0, false, now(), now()
FROM generate_series(%(start)s, %(stop)s) AS g
"""
INSERT_COMMENTS = """
INSERT INTO summaries_comment (id, summary_id, author_id, body, body_html, renderer_version,
                               is_hidden, created_at)
SELECT g, 1 + g %% %(summaries)s, 1 + (g * 13) %% %(users)s,
       bench_text(%(words)s, %(suffixes)s, 15 + g %% 40, 0), '', 0, false, now()
FROM generate_series(%(start)s, %(stop)s) AS g
"""
# The documents as search.services makes them; the trigger computes their vectors.
INSERT_DOCUMENTS = {
    "papers": """
INSERT INTO search_document (kind, object_id, paper_id, summary_id, title, body, names, venue,
                             year, updated_at)
SELECT 'paper', p.id, p.id, NULL, p.title, p.authors || E'\\n' || p.abstract, p.authors,
       p.venue, p.year, now()
FROM papers_paper p WHERE p.id BETWEEN %(start)s AND %(stop)s
""",
    "summaries": """
INSERT INTO search_document (kind, object_id, paper_id, summary_id, title, names, body, venue,
                             year, updated_at)
SELECT 'summary', s.id, p.id, s.id, '', '', s.body, p.venue, p.year, now()
FROM summaries_summary s JOIN papers_paper p ON p.id = s.paper_id
WHERE NOT s.is_private AND s.id BETWEEN %(start)s AND %(stop)s
""",
    "comments": """
INSERT INTO search_document (kind, object_id, paper_id, summary_id, title, names, body, venue,
                             year, updated_at)
SELECT 'comment', c.id, p.id, s.id, '', '', c.body, p.venue, p.year, now()
FROM summaries_comment c JOIN summaries_summary s ON s.id = c.summary_id
JOIN papers_paper p ON p.id = s.paper_id
WHERE NOT s.is_private AND c.id BETWEEN %(start)s AND %(stop)s
""",
}
BATCH = 20_000
WORKERS = 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--summaries", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=None, help="default: summaries / 2")
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="times the query mix is run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="run the queries on the catalogue a previous run generated in this database",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py needs PostgreSQL: run it under scripts/with-postgres")
    comments = args.summaries // 2 if args.comments is None else args.comments

    if not args.queries_only:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        generate(args.papers, min(args.summaries, args.papers), comments, args.users)
        print(f"generated and indexed in {time.perf_counter() - started:.0f} s")
    report_sizes()
    run_queries(args.rounds, random.Random(args.seed))


def generate(papers, summaries, comments, users):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM papers_paper)")
        if cursor.fetchone()[0]:
            sys.exit("the database already has papers: bench/search.py needs an empty one")
        cursor.execute(CREATE_FUNCTIONS)
        # Users by the thousand, with unusable passwords: nobody logs in as them.
        cursor.execute(
            "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined, display_name, bio, "
            "bio_html, bio_renderer_version, orcid, notify_on_comment, notify_on_reply, "
            "public_summary_count, public_comment_count) "
            "SELECT g, '!', false, 'bench' || g, '', '', '', false, true, now(), '', '', "
            "'', 0, '', true, true, 0, 0 "
            "FROM generate_series(1, %s) AS g",
            [users],
        )
        # Loading first and indexing afterwards is much faster than keeping the GIN
        # index up to date row by row.
        cursor.execute("DROP INDEX search_document_vector_gin")
    params = {
        "words": VOCABULARY,
        "suffixes": SUFFIXES,
        "title_skip": TITLE_SKIP,
        "firsts": FIRST_NAMES,
        "lasts": LAST_NAMES,
        "venues": VENUES,
        "venue_count": len(VENUES),
        "papers": papers,
        "summaries": max(summaries, 1),
        "users": users,
    }
    timed("papers", lambda: in_parallel(INSERT_PAPERS, papers, params))
    timed("summaries", lambda: in_parallel(INSERT_SUMMARIES, summaries, params))
    timed("comments", lambda: in_parallel(INSERT_COMMENTS, comments, params))
    for name, total in (("papers", papers), ("summaries", summaries), ("comments", comments)):
        sql = INSERT_DOCUMENTS[name]
        timed(f"documents of {name}", lambda sql=sql, total=total: in_parallel(sql, total, params))
    with connection.cursor() as cursor:
        cursor.execute(DROP_FUNCTIONS)
        for table in ("accounts_user", "papers_paper", "summaries_summary", "summaries_comment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )

        def build_index():
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "CREATE INDEX search_document_vector_gin ON search_document "
                "USING gin (search_vector)"
            )

        timed("GIN index", build_index)
        timed("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"))


def in_parallel(sql, total, params, batch=BATCH):
    """Run the statement over ids 1..total in batches, on WORKERS connections at once."""
    batches = [(start, min(start + batch - 1, total)) for start in range(1, total + 1, batch)]
    lock = threading.Lock()
    errors = []

    def work():
        db = psycopg2.connect(**connection.get_connection_params())
        db.autocommit = True
        try:
            with db.cursor() as cursor:
                while not errors:
                    with lock:
                        if not batches:
                            return
                        start, stop = batches.pop(0)
                    cursor.execute(sql, {**params, "start": start, "stop": stop})
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def timed(label, step):
    started = time.perf_counter()
    step()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def report_sizes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM search_document GROUP BY kind ORDER BY kind")
        counts = ", ".join(f"{kind} {count}" for kind, count in cursor.fetchall())
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_document')), "
            "pg_size_pretty(pg_relation_size('search_document_vector_gin'))"
        )
        table, index = cursor.fetchone()
    print(f"documents: {counts}; table with TOAST and indexes {table}, GIN index {index}")


def term(rank):
    """Term number `rank` (from 1) of the generated text, as bench_text makes it."""
    if rank <= len(VOCABULARY):
        return VOCABULARY[rank - 1]
    word, suffix = divmod(rank - len(VOCABULARY) - 1, len(SUFFIXES))
    return VOCABULARY[word] + SUFFIXES[suffix]


def query_mix(rng, titles):
    """(category, query, venue, year) tuples: words drawn by how common they are, and
    words of real titles, as people search for a paper they have in mind.

    In the generated text "common" words are in about 21-67% of documents, "mid" ones
    in 2-21%, "rare" ones in 0.04-2%.
    """
    vocabulary_size = len(VOCABULARY) * (len(SUFFIXES) + 1)

    def common():
        return term(rng.randrange(10, 50))

    def mid():
        return term(rng.randrange(50, 500))

    def rare():
        # Uniform in log(rank), so rare real words and compounds both come up.
        return term(int(500 * (vocabulary_size / 500) ** rng.random()))

    def venue():
        return rng.choice(VENUES[:8])

    def title_words(count):
        words = rng.choice(titles).lower().split()
        start = rng.randrange(max(1, len(words) - count + 1))
        return " ".join(words[start : start + count])

    def misspelt():
        """A word of a real title with one letter dropped, as typed in a hurry: found
        nowhere, so the page looks for a spelling suggestion and searches it too."""
        words = [word for word in rng.choice(titles).lower().split() if len(word) >= 6]
        word = rng.choice(words or ["attention"])
        letter = rng.randrange(1, len(word) - 1)
        return word[:letter] + word[letter + 1 :]

    mix = []
    for _ in range(20):
        mix += [
            ("one rare word", rare(), "", None),
            ("one mid word", mid(), "", None),
            ("one common word", common(), "", None),
            ("two words", f"{mid()} {rare()}", "", None),
            ("two words", f"{common()} {mid()}", "", None),
            ("title words", title_words(4), "", None),
            ("title phrase", f'"{title_words(3)}"', "", None),
            ("phrase", f'"{mid()} {rare()}"', "", None),
            # Every document with all three words is read to check their order.
            ("common phrase", f'"{common()} {common()} {common()}"', "", None),
            ("misspelt word", misspelt(), "", None),
            ("OR", f"{rare()} OR {rare()}", "", None),
            ("-word", f"{mid()} -{common()}", "", None),
            ("author", rng.choice(LAST_NAMES), "", None),
            ("venue filter", mid(), venue(), None),
            ("year filter", rare(), "", rng.randrange(2010, 2025)),
            ("both filters", common(), venue(), rng.randrange(2015, 2025)),
        ]
    return mix


def run_queries(rounds, rng):
    with connection.cursor() as cursor:
        # Titles of papers spread over the table, for the title queries.
        cursor.execute("SELECT title FROM papers_paper WHERE id % 997 = 0 ORDER BY id")
        titles = [title for (title,) in cursor.fetchall()]
    mix = query_mix(rng, titles)
    factory = RequestFactory()
    timings = {}
    slowest = []
    for round_number in range(rounds + 1):
        for category, query, venue, year in mix:
            request = factory.get("/search", {"q": query, "venue": venue, "year": year or ""})
            started = time.perf_counter()
            count = run_search(request, query, venue, year)
            elapsed = (time.perf_counter() - started) * 1000
            # The first round warms the caches and is not counted.
            if round_number:
                timings.setdefault(category, []).append(elapsed)
                slowest.append((elapsed, query, venue, year, count))

    everything = sorted(t for times in timings.values() for t in times)
    print(f"\n{len(everything)} searches ({len(mix)} queries x {rounds} rounds), in ms:")
    print(f"{'':16} {'p50':>7} {'p95':>7} {'max':>7}")
    for category, times in timings.items():
        print(f"{category:16} {percentiles(sorted(times))}")
    print(f"{'all':16} {percentiles(everything)}")
    print("\nslowest:")
    for elapsed, query, venue, year, count in sorted(slowest, reverse=True)[:5]:
        filters = " ".join(f"{k}={v}" for k, v in (("venue", venue), ("year", year)) if v)
        print(f"  {elapsed:7.1f} ms  {query} {filters}  ({count} results)")


def run_search(request, query, venue, year):
    """What the view does for the results: count, the page of ten, their snippets, and
    for a query that finds little a spelling suggestion (and its results)."""
    query = clean_query(query)
    parsed = parse_query(query)
    documents, suggestion, corrected = views._search(query, parsed, venue=venue, year=year)
    page = views.paginate(request, documents, views.PAGE_SIZE)
    views._add_snippets(page, parse_query(suggestion.query) if corrected else parsed)
    return page.paginator.count


def percentiles(times):
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"{statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f}"


if __name__ == "__main__":
    main()
