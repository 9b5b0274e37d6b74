"""Demo papers, summaries and comments for a fresh development database.

Kept as plain data, apart from the command that loads it, so the text can be edited without
touching any loading logic. This module holds the structure (who wrote what on which paper,
relative times, votes); the texts themselves are Markdown files under `demo/`, one each, so
they read and diff as the Markdown they are:

- `demo/abstracts/<paper>.md`: a paper's abstract;
- `demo/summaries/<paper>-<author>.md`: the body of that author's summary of the paper;
- `demo/comments/<paper>-<author>/<commenter>.md`: a comment on that summary.

`<paper>` is the name of the paper's key constant below, in lower case with hyphens.

The summaries deliberately exercise the renderer: inline and display math, `\\` inside
matrices, underscores and asterisks inside math, tables, code and links, so a broken
Markdown/LaTeX pipeline is visible on the first page load.

Times are relative to the moment of loading, so the feed always looks recent.
"""

from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "demo"


def _read(path):
    # Read as UTF-8 whatever the locale, and without newline translation, so a text is the
    # same on every machine.
    with open(TEXTS / path, encoding="utf-8", newline="") as stream:
        return stream.read()


def _abstract(name):
    """The abstract in `demo/abstracts/<name>`, without the newline that ends the file."""
    return _read(f"abstracts/{name}").removesuffix("\n")


def _comment(name):
    """The comment in `demo/comments/<name>`, without the newline that ends the file."""
    return _read(f"comments/{name}").removesuffix("\n")


def _summary(name):
    """The summary body in `demo/summaries/<name>`, opening with a newline.

    The bodies were triple-quoted strings that began on the line after the quotes; the
    leading newline keeps each value (and so what bench/ measures) exactly as it was.
    """
    return "\n" + _read(f"summaries/{name}")


PASSWORD = "demo-password-1"

USERS = [
    {
        "username": "ada",
        "email": "ada@example.org",
        "display_name": "Ada L.",
        "bio": "Computer vision and generative models. I summarize what I teach, "
        r"and what I wish I had read before tuning $\beta_2$ at 3 a.m.",
        # The iD orcid.org keeps for examples and tests (Josiah Carberry's).
        "orcid": "0000-0002-1825-0097",
    },
    {"username": "kurt", "email": "kurt@example.org", "display_name": "Kurt G."},
    {
        "username": "emmy",
        "email": "emmy@example.org",
        "display_name": "Emmy N.",
        "bio": "Reinforcement learning, symmetries, and *conserved quantities* of training.",
    },
    {"username": "alan", "email": "alan@example.org"},
    {"username": "grace", "email": "grace@example.org", "display_name": "Grace H."},
    # Readers who vote but have not written anything yet.
    {"username": "marie", "email": "marie@example.org"},
    {"username": "niels", "email": "niels@example.org"},
    {"username": "lise", "email": "lise@example.org"},
    {"username": "paul", "email": "paul@example.org"},
    {"username": "rosalind", "email": "rosalind@example.org"},
]

RESNET = "conf/cvpr/HeZRS16"
TRANSFORMER = "conf/nips/VaswaniSPUJGKP17"
GAN = "conf/nips/GoodfellowPMXWOCB14"
VAE = "journals/corr/KingmaW13"
ADAM = "journals/corr/KingmaB14"
BATCHNORM = "conf/icml/IoffeS15"
DROPOUT = "journals/jmlr/SrivastavaHKSS14"
BERT = "conf/naacl/DevlinCLT19"
DQN = "journals/nature/MnihKSRVBGRFOPB15"
ATTENTION_NMT = "conf/iclr/BahdanauCB14"
FASTER_RCNN = "conf/nips/RenHGS15"
DENSENET = "journals/corr/1608.06993"

# added_days_ago is older than every summary of the paper, so no summary predates its paper.
# Each paper's "categories" are its arXiv categories, which are topics
# (topics.services.attach_categories).
PAPERS = [
    {
        "bibtex_key": RESNET,
        "title": "Deep Residual Learning for Image Recognition",
        "authors": "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
        "venue": "CVPR",
        "year": 2016,
        "abstract": _abstract("resnet.md"),
        "url": "https://arxiv.org/abs/1512.03385",
        "arxiv_id": "1512.03385",
        "doi": "10.1109/CVPR.2016.90",
        "added_days_ago": 27,
        "categories": ["cs.CV"],
    },
    {
        "bibtex_key": TRANSFORMER,
        "title": "Attention Is All You Need",
        "authors": (
            "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, "
            "Aidan N. Gomez, Lukasz Kaiser, Illia Polosukhin"
        ),
        "venue": "NIPS",
        "year": 2017,
        "abstract": _abstract("transformer.md"),
        "url": "https://arxiv.org/abs/1706.03762",
        "arxiv_id": "1706.03762",
        "doi": "",
        "added_days_ago": 25,
        "categories": ["cs.CL", "cs.LG"],
    },
    {
        "bibtex_key": GAN,
        "title": "Generative Adversarial Nets",
        "authors": (
            "Ian J. Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David Warde-Farley, "
            "Sherjil Ozair, Aaron C. Courville, Yoshua Bengio"
        ),
        "venue": "NIPS",
        "year": 2014,
        "abstract": _abstract("gan.md"),
        "url": "https://arxiv.org/abs/1406.2661",
        "arxiv_id": "1406.2661",
        "doi": "",
        "added_days_ago": 23,
        "categories": ["stat.ML", "cs.LG"],
    },
    {
        "bibtex_key": VAE,
        "title": "Auto-Encoding Variational Bayes",
        "authors": "Diederik P. Kingma, Max Welling",
        "venue": "arXiv",
        "year": 2013,
        "abstract": _abstract("vae.md"),
        "url": "https://arxiv.org/abs/1312.6114",
        "arxiv_id": "1312.6114",
        "doi": "",
        "added_days_ago": 21,
        "categories": ["stat.ML", "cs.LG"],
    },
    {
        "bibtex_key": ADAM,
        "title": "Adam: A Method for Stochastic Optimization",
        "authors": "Diederik P. Kingma, Jimmy Ba",
        "venue": "arXiv",
        "year": 2014,
        "abstract": _abstract("adam.md"),
        "url": "https://arxiv.org/abs/1412.6980",
        "arxiv_id": "1412.6980",
        "doi": "",
        "added_days_ago": 18,
        "categories": ["cs.LG"],
    },
    {
        "bibtex_key": BATCHNORM,
        "title": (
            "Batch Normalization: Accelerating Deep Network Training by Reducing Internal "
            "Covariate Shift"
        ),
        "authors": "Sergey Ioffe, Christian Szegedy",
        "venue": "ICML",
        "year": 2015,
        "abstract": _abstract("batchnorm.md"),
        "url": "https://arxiv.org/abs/1502.03167",
        "arxiv_id": "1502.03167",
        "doi": "",
        "added_days_ago": 14,
        "categories": ["cs.LG"],
    },
    {
        "bibtex_key": DROPOUT,
        "title": "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
        "authors": (
            "Nitish Srivastava, Geoffrey E. Hinton, Alex Krizhevsky, Ilya Sutskever, "
            "Ruslan Salakhutdinov"
        ),
        "venue": "JMLR",
        "year": 2014,
        "abstract": _abstract("dropout.md"),
        "url": "https://jmlr.org/papers/v15/srivastava14a.html",
        "arxiv_id": "",
        "doi": "",
        "added_days_ago": 16,
        "categories": ["cs.LG", "cs.NE"],
    },
    {
        "bibtex_key": BERT,
        "title": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "authors": "Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova",
        "venue": "NAACL",
        "year": 2019,
        "abstract": _abstract("bert.md"),
        "url": "https://arxiv.org/abs/1810.04805",
        "arxiv_id": "1810.04805",
        "doi": "10.18653/v1/N19-1423",
        "added_days_ago": 11,
        "categories": ["cs.CL"],
    },
    {
        "bibtex_key": DQN,
        "title": "Human-level control through deep reinforcement learning",
        "authors": (
            "Volodymyr Mnih, Koray Kavukcuoglu, David Silver, Andrei A. Rusu, Joel Veness, "
            "Marc G. Bellemare, Alex Graves, Martin A. Riedmiller, Andreas K. Fidjeland, "
            "Georg Ostrovski, Stig Petersen, Charles Beattie, Amir Sadik, Ioannis Antonoglou, "
            "Helen King, Dharshan Kumaran, Daan Wierstra, Shane Legg, Demis Hassabis"
        ),
        "venue": "Nature",
        "year": 2015,
        "abstract": _abstract("dqn.md"),
        "url": "https://www.nature.com/articles/nature14236",
        "arxiv_id": "",
        "doi": "10.1038/nature14236",
        "added_days_ago": 15,
        "categories": ["cs.AI", "cs.LG"],
    },
    {
        "bibtex_key": ATTENTION_NMT,
        "title": "Neural Machine Translation by Jointly Learning to Align and Translate",
        "authors": "Dzmitry Bahdanau, Kyunghyun Cho, Yoshua Bengio",
        "venue": "ICLR",
        "year": 2015,
        "abstract": _abstract("attention-nmt.md"),
        "url": "https://arxiv.org/abs/1409.0473",
        "arxiv_id": "1409.0473",
        "doi": "",
        "added_days_ago": 10,
        "categories": ["cs.CL", "cs.LG"],
    },
    {
        "bibtex_key": FASTER_RCNN,
        "title": "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks",
        "authors": "Shaoqing Ren, Kaiming He, Ross B. Girshick, Jian Sun",
        "venue": "NIPS",
        "year": 2015,
        "abstract": _abstract("faster-rcnn.md"),
        "url": "https://arxiv.org/abs/1506.01497",
        "arxiv_id": "1506.01497",
        "doi": "",
        "added_days_ago": 8,
        "categories": ["cs.CV"],
    },
    {
        "bibtex_key": DENSENET,
        "title": "Densely Connected Convolutional Networks",
        "authors": "Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger",
        "venue": "arXiv",
        "year": 2016,
        "abstract": _abstract("densenet.md"),
        "url": "https://arxiv.org/abs/1608.06993",
        "arxiv_id": "1608.06993",
        "doi": "",
        "added_days_ago": 12,
        "categories": ["cs.CV", "cs.LG"],
    },
]

# Summaries are keyed by (paper, author), the same pair the database keeps unique.
# "score" is how many of the other users vote the summary up.
SUMMARIES = [
    {
        "paper": RESNET,
        "author": "ada",
        "days_ago": 26,
        "score": 7,
        "body": _summary("resnet-ada.md"),
    },
    {
        "paper": RESNET,
        "author": "kurt",
        "days_ago": 19,
        "body": _summary("resnet-kurt.md"),
    },
    {
        "paper": RESNET,
        "author": "emmy",
        "days_ago": 6.5,
        "is_anonymous": True,
        "body": _summary("resnet-emmy.md"),
    },
    {
        "paper": TRANSFORMER,
        "author": "alan",
        "days_ago": 24,
        "score": 9,
        "body": _summary("transformer-alan.md"),
    },
    {
        "paper": TRANSFORMER,
        "author": "grace",
        "days_ago": 15,
        "body": _summary("transformer-grace.md"),
    },
    {
        "paper": TRANSFORMER,
        "author": "ada",
        "days_ago": 3.2,
        "body": _summary("transformer-ada.md"),
    },
    {
        "paper": GAN,
        "author": "emmy",
        "days_ago": 22,
        "score": 4,
        "body": _summary("gan-emmy.md"),
    },
    {
        "paper": GAN,
        "author": "kurt",
        "days_ago": 2,
        "is_private": True,
        "body": _summary("gan-kurt.md"),
    },
    {
        "paper": VAE,
        "author": "ada",
        "days_ago": 20,
        "score": 5,
        "body": _summary("vae-ada.md"),
    },
    {
        "paper": VAE,
        "author": "alan",
        "days_ago": 11,
        "body": _summary("vae-alan.md"),
    },
    {
        "paper": ADAM,
        "author": "grace",
        "days_ago": 17,
        "score": 3,
        # The summary as first published; the body below is the text after an edit.
        "earlier": (
            "Defaults: $\\alpha = 0.001$, $\\beta_1 = 0.9$, $\\beta_2 = 0.999$, "
            "$\\epsilon = 10^{-8}$.",
            "Defaults: $\\alpha = 0.001$, $\\beta_1 = 0.9$, $\\beta_2 = 0.99$.",
        ),
        "edited_days_ago": 15,
        "body": _summary("adam-grace.md"),
    },
    {
        "paper": ADAM,
        "author": "kurt",
        "days_ago": 8,
        "body": _summary("adam-kurt.md"),
    },
    {
        "paper": BATCHNORM,
        "author": "alan",
        "days_ago": 13,
        "body": _summary("batchnorm-alan.md"),
    },
    {
        "paper": BATCHNORM,
        "author": "emmy",
        "days_ago": 4.5,
        "is_anonymous": True,
        "body": _summary("batchnorm-emmy.md"),
    },
    {
        "paper": BERT,
        "author": "kurt",
        "days_ago": 10,
        "score": 2,
        "body": _summary("bert-kurt.md"),
    },
    {
        "paper": BERT,
        "author": "grace",
        "days_ago": 5,
        "body": _summary("bert-grace.md"),
    },
    {
        "paper": DQN,
        "author": "emmy",
        "days_ago": 14,
        "score": 6,
        "body": _summary("dqn-emmy.md"),
    },
    {
        "paper": DQN,
        "author": "grace",
        "days_ago": 1.5,
        "body": _summary("dqn-grace.md"),
    },
    {
        "paper": ATTENTION_NMT,
        "author": "alan",
        "days_ago": 9,
        "body": _summary("attention-nmt-alan.md"),
    },
    {
        "paper": FASTER_RCNN,
        "author": "ada",
        "days_ago": 7,
        "body": _summary("faster-rcnn-ada.md"),
    },
]

# hours_after counts from the summary's own time, so a comment never predates its summary.
COMMENTS = [
    {
        "summary": (RESNET, "ada"),
        "author": "kurt",
        "hours_after": 5,
        "body": _comment("resnet-ada/kurt.md"),
    },
    {
        "summary": (RESNET, "ada"),
        "author": "emmy",
        "hours_after": 30,
        "body": _comment("resnet-ada/emmy.md"),
    },
    {
        "summary": (RESNET, "ada"),
        "author": "ada",
        "hours_after": 34,
        # An answer to emmy's question just above (its place in this list).
        "reply_to": 1,
        "body": _comment("resnet-ada/ada.md"),
    },
    {
        "summary": (TRANSFORMER, "alan"),
        "author": "grace",
        "hours_after": 8,
        "body": _comment("transformer-alan/grace.md"),
    },
    {
        "summary": (TRANSFORMER, "alan"),
        "author": "kurt",
        "hours_after": 50,
        "body": _comment("transformer-alan/kurt.md"),
    },
    {
        "summary": (GAN, "emmy"),
        "author": "alan",
        "hours_after": 12,
        "body": _comment("gan-emmy/alan.md"),
    },
    {
        "summary": (VAE, "ada"),
        "author": "grace",
        "hours_after": 20,
        "body": _comment("vae-ada/grace.md"),
    },
    {
        "summary": (ADAM, "grace"),
        "author": "alan",
        "hours_after": 4,
        "body": _comment("adam-grace/alan.md"),
    },
    {
        "summary": (ADAM, "grace"),
        "author": "kurt",
        "hours_after": 26,
        "body": _comment("adam-grace/kurt.md"),
    },
    {
        "summary": (DQN, "emmy"),
        "author": "ada",
        "hours_after": 18,
        "body": _comment("dqn-emmy/ada.md"),
    },
    {
        "summary": (BATCHNORM, "alan"),
        "author": "emmy",
        "hours_after": 40,
        "body": _comment("batchnorm-alan/emmy.md"),
    },
    {
        "summary": (BERT, "kurt"),
        "author": "alan",
        "hours_after": 6,
        "body": _comment("bert-kurt/alan.md"),
    },
]
