"""The words, names and venues of bench/search.py's generated catalogue, and the SQL
that writes it: papers, summaries, comments and their search documents, generated in
the database from these lists."""


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
