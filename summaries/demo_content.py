r"""Demo papers, summaries and comments for a fresh development database.

Kept as plain data, apart from the command that loads it, so the text can be edited without
touching any loading logic. The summaries deliberately exercise the renderer: inline and
display math, `\\` inside matrices, underscores and asterisks inside math, tables, code and
links, so a broken Markdown/LaTeX pipeline is visible on the first page load.

Times are relative to the moment of loading, so the feed always looks recent.
"""

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
PAPERS = [
    {
        "bibtex_key": RESNET,
        "title": "Deep Residual Learning for Image Recognition",
        "authors": "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
        "venue": "CVPR",
        "year": 2016,
        "abstract": (
            "Introduces residual learning: a block of layers learns a correction that is added "
            "to its input through an identity shortcut, instead of learning the whole mapping. "
            "This removes the degradation seen when plain networks are made deeper and makes "
            "networks with more than a hundred layers trainable; residual networks won the "
            "ILSVRC and COCO 2015 classification, detection, localization and segmentation "
            "tracks."
        ),
        "url": "https://arxiv.org/abs/1512.03385",
        "arxiv_id": "1512.03385",
        "doi": "10.1109/CVPR.2016.90",
        "added_days_ago": 27,
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
        "abstract": (
            "Proposes a sequence transduction architecture built entirely from attention and "
            "position-wise feed-forward layers, with no recurrence or convolution. Because all "
            "positions are processed in parallel it trains much faster than recurrent models, "
            "and it set new state-of-the-art BLEU scores on WMT 2014 English-German and "
            "English-French translation."
        ),
        "url": "https://arxiv.org/abs/1706.03762",
        "arxiv_id": "1706.03762",
        "doi": "",
        "added_days_ago": 25,
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
        "abstract": (
            "Frames generative modeling as a two-player game between a generator that maps "
            "noise to samples and a discriminator that tries to tell those samples from real "
            "data. At the equilibrium of the game the generator reproduces the data "
            "distribution, and both players are trained by backpropagation alone, without "
            "Markov chains or approximate inference."
        ),
        "url": "https://arxiv.org/abs/1406.2661",
        "arxiv_id": "1406.2661",
        "doi": "",
        "added_days_ago": 23,
    },
    {
        "bibtex_key": VAE,
        "title": "Auto-Encoding Variational Bayes",
        "authors": "Diederik P. Kingma, Max Welling",
        "venue": "arXiv",
        "year": 2013,
        "abstract": (
            "Shows how to learn directed models with continuous latent variables and "
            "intractable posteriors at scale. Reparameterizing the variational lower bound "
            "gives a low-variance, differentiable estimator that plain stochastic gradient "
            "methods can optimize, while a learned recognition model amortizes posterior "
            "inference across data points."
        ),
        "url": "https://arxiv.org/abs/1312.6114",
        "arxiv_id": "1312.6114",
        "doi": "",
        "added_days_ago": 21,
    },
    {
        "bibtex_key": ADAM,
        "title": "Adam: A Method for Stochastic Optimization",
        "authors": "Diederik P. Kingma, Jimmy Ba",
        "venue": "arXiv",
        "year": 2014,
        "abstract": (
            "Presents an optimizer for stochastic objectives that adapts a step size for each "
            "parameter from running estimates of the first and second moments of the gradient, "
            "corrected for their bias towards zero at initialization. It is cheap, simple to "
            "implement and needs little tuning; the paper also gives a regret analysis for "
            "online convex problems and an infinity-norm variant, AdaMax."
        ),
        "url": "https://arxiv.org/abs/1412.6980",
        "arxiv_id": "1412.6980",
        "doi": "",
        "added_days_ago": 18,
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
        "abstract": (
            "Normalizes the inputs of each layer with the mean and variance of the current "
            "mini-batch, followed by a learned scale and shift, making normalization part of "
            "the model itself. This permits much higher learning rates, reduces sensitivity to "
            "initialization and regularizes; an ImageNet classifier with it matched its "
            "baseline in a fraction of the training steps."
        ),
        "url": "https://arxiv.org/abs/1502.03167",
        "arxiv_id": "1502.03167",
        "doi": "",
        "added_days_ago": 14,
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
        "abstract": (
            "Randomly removes units, together with their connections, during training so that "
            "units cannot rely on each other too much. At test time a single network with "
            "scaled weights approximates averaging the exponentially many thinned networks, "
            "and the method improves results on vision, speech, text and computational biology "
            "benchmarks."
        ),
        "url": "https://jmlr.org/papers/v15/srivastava14a.html",
        "arxiv_id": "",
        "doi": "",
        "added_days_ago": 16,
    },
    {
        "bibtex_key": BERT,
        "title": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "authors": "Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova",
        "venue": "NAACL",
        "year": 2019,
        "abstract": (
            "Pre-trains a bidirectional Transformer encoder on unlabeled text with a masked "
            "token prediction task and a next sentence prediction task. The same pre-trained "
            "model is then fine-tuned with one extra output layer per task, giving new "
            "state-of-the-art results on eleven language understanding benchmarks including "
            "GLUE and SQuAD."
        ),
        "url": "https://arxiv.org/abs/1810.04805",
        "arxiv_id": "1810.04805",
        "doi": "10.18653/v1/N19-1423",
        "added_days_ago": 11,
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
        "abstract": (
            "Trains a convolutional network with a variant of Q-learning to play Atari 2600 "
            "games from screen pixels and the game score alone. Experience replay and a "
            "periodically updated target network keep learning stable, and with one set of "
            "hyperparameters the agent performs at a level comparable to a professional human "
            "tester across 49 games."
        ),
        "url": "https://www.nature.com/articles/nature14236",
        "arxiv_id": "",
        "doi": "10.1038/nature14236",
        "added_days_ago": 15,
    },
    {
        "bibtex_key": ATTENTION_NMT,
        "title": "Neural Machine Translation by Jointly Learning to Align and Translate",
        "authors": "Dzmitry Bahdanau, Kyunghyun Cho, Yoshua Bengio",
        "venue": "ICLR",
        "year": 2015,
        "abstract": (
            "Argues that squeezing a source sentence into one fixed-length vector limits "
            "neural machine translation, particularly on long sentences. The proposed model "
            "lets the decoder softly search over all source positions for each target word, "
            "which improves translation quality and produces interpretable alignments."
        ),
        "url": "https://arxiv.org/abs/1409.0473",
        "arxiv_id": "1409.0473",
        "doi": "",
        "added_days_ago": 10,
    },
    {
        "bibtex_key": FASTER_RCNN,
        "title": "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks",
        "authors": "Shaoqing Ren, Kaiming He, Ross B. Girshick, Jian Sun",
        "venue": "NIPS",
        "year": 2015,
        "abstract": (
            "Adds a Region Proposal Network that shares convolutional features with the "
            "detector and predicts object bounds and objectness scores at every position, "
            "which makes proposals nearly free. Merged with Fast R-CNN into one network, it "
            "reaches state-of-the-art accuracy on PASCAL VOC and MS COCO at about 5 frames "
            "per second with a VGG-16 backbone."
        ),
        "url": "https://arxiv.org/abs/1506.01497",
        "arxiv_id": "1506.01497",
        "doi": "",
        "added_days_ago": 8,
    },
    {
        "bibtex_key": DENSENET,
        "title": "Densely Connected Convolutional Networks",
        "authors": "Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger",
        "venue": "arXiv",
        "year": 2016,
        "abstract": (
            "Connects every layer in a dense block to all later layers, so each layer receives "
            "the concatenated feature maps of everything before it. This encourages feature "
            "reuse and strengthens gradient flow with fewer parameters than comparable "
            "residual networks, with competitive results on CIFAR, SVHN and ImageNet."
        ),
        "url": "https://arxiv.org/abs/1608.06993",
        "arxiv_id": "1608.06993",
        "doi": "",
        "added_days_ago": 12,
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
        "body": r"""
## The problem

Stacking more layers onto a plain convolutional network eventually makes it *worse*, and not
only on held-out data: a 56-layer plain net on CIFAR-10 has a higher **training** error than a
20-layer one. The deeper model could in principle copy the shallow one and turn its extra layers
into identities, so this "degradation" is an optimization failure, not overfitting.

## The idea

Rather than asking a stack of layers to fit a target mapping $\mathcal{H}(x)$ directly, let it
fit the residual $\mathcal{F}(x) = \mathcal{H}(x) - x$ and add the input back through a shortcut:

$$
y = \mathcal{F}(x, \{W_i\}) + x
$$

If the best thing a block can do is nearly nothing, driving $\mathcal{F}$ towards zero is much
easier for SGD than learning an identity through several nonlinear layers. The shortcut costs
no parameters when shapes match; where a stage halves the resolution and widens the channels,
the shortcut becomes a projection $W_s x$ (a strided $1 \times 1$ convolution) or zero-padding.

## Architecture

- Basic block: two $3 \times 3$ convolutions, each followed by batch norm, with the final ReLU
  applied after the addition.
- Bottleneck block (ResNet-50/101/152): $1 \times 1$ reduce, $3 \times 3$, $1 \times 1$ expand.
  This keeps ResNet-152 at 11.3 billion FLOPs, fewer than the 19.6 billion of VGG-19.
- No dropout and no hidden fully connected layers: global average pooling, then one linear
  classifier.

## Results

An ensemble reached 3.57% top-5 error on the ImageNet test set and won ILSVRC 2015
classification; the same backbones also won the detection and localization tracks and the COCO
detection and segmentation challenges.

## Why it trains

The follow-up paper,
[Identity Mappings in Deep Residual Networks](https://arxiv.org/abs/1603.05027), makes the
intuition precise. If nothing follows the addition, unrolling the blocks gives
$x_L = x_l + \sum_{i=l}^{L-1} \mathcal{F}(x_i)$, and therefore

$$
\frac{\partial \mathcal{E}}{\partial x_l} = \frac{\partial \mathcal{E}}{\partial x_L}
\left(1 + \frac{\partial}{\partial x_l} \sum_{i=l}^{L-1} \mathcal{F}(x_i)\right)
$$

The constant 1 means the gradient of the loss reaches every block directly, whatever the
weights in between are doing.
""",
    },
    {
        "paper": RESNET,
        "author": "kurt",
        "days_ago": 19,
        "body": r"""
The headline numbers get most of the attention, but the controlled experiments are what make
this paper convincing. My notes on those.

## Plain vs. residual, everything else equal

On ImageNet the authors train 18- and 34-layer networks twice, once plain and once with
shortcuts, with identical depth, width, FLOPs and training recipe. The plain 34-layer net is
worse than the plain 18-layer one throughout training; with shortcuts the order flips, and
ResNet-34 beats ResNet-18 by a clear margin. Because batch norm is used everywhere, they also
check that forward signals and backward gradients in the plain net have healthy magnitudes, so
vanishing gradients are not the explanation. Their conjecture is that deep plain nets simply
converge exponentially slowly.

## Which shortcut?

Three options for the places where dimensions change:

- **A**: zero-padding for the extra channels, so every shortcut is parameter-free;
- **B**: projections only where dimensions change, identities elsewhere;
- **C**: projections everywhere.

C is marginally better than B, which is marginally better than A, but the gaps are small enough
that projections are clearly not what makes residual learning work. Parameter-free identity
shortcuts are also what keep the bottleneck design cheap.

## Going absurdly deep

On CIFAR-10 a 110-layer ResNet gets about 6.4% test error. A 1202-layer version still optimizes
without trouble, reaching a training error below 0.1%, yet its test error of 7.93% is worse
than the 110-layer network's. With only 50k training images and no dropout or maxout, the
authors blame overfitting, and I find that plausible: optimization is no longer the bottleneck.

## Layer responses

The standard deviations of layer responses (after batch norm, before the addition) are smaller
for ResNets than for plain nets, and shrink further as depth grows. That fits the motivating
story: individual residual functions stay close to zero and each block only nudges the signal.
""",
    },
    {
        "paper": RESNET,
        "author": "emmy",
        "days_ago": 6.5,
        "is_anonymous": True,
        "body": r"""
Short practical notes, since the main ideas are covered well on this page already.

- **Where the ReLU goes matters.** In the original block the ReLU sits after the addition, so
  the shortcut path is not a clean identity. Moving batch norm and ReLU in front of the
  convolutions ("pre-activation") makes very deep models train noticeably better.
- **Zero-initialize the last BN scale.** Setting $\gamma = 0$ in the final batch norm of each
  residual branch makes every block start out as an identity, so the initial network behaves
  like a shallow one. This trick, popularized by the large-minibatch ImageNet training work,
  helps with large batches and high learning rates.
- **Ensemble-of-paths view.** A network with $n$ blocks can be read as a collection of $2^n$
  paths of different lengths. Deleting a single block from a trained ResNet barely hurts
  accuracy, while deleting a layer from VGG is catastrophic, and most of the gradient during
  training flows through fairly short paths. "152 layers" overstates the effective depth.
- **Strided projections discard information.** In the downsampling blocks the $1 \times 1$
  stride-2 projection ignores three quarters of the spatial positions; later variants
  average-pool before projecting instead.

None of this changes the core message: make the identity the default and let each block learn
a correction $\mathcal{F}(x)$ on top of it. The formula every original block implements,

$$
x_{l+1} = \mathrm{ReLU}\left(x_l + \mathcal{F}(x_l, W_l)\right),
$$

is short enough that it is easy to forget how much of modern deep learning rests on it.
""",
    },
    {
        "paper": TRANSFORMER,
        "author": "alan",
        "days_ago": 24,
        "score": 9,
        "body": r"""
## Summary

The Transformer drops recurrence and convolution entirely: encoder and decoder are stacks of
attention and position-wise feed-forward layers. Every position can attend to every other one in
a single step, so the path between any two tokens has constant length, and a whole sequence is
processed in parallel during training.

## Scaled dot-product attention

Queries, keys and values are packed into matrices $Q$, $K$ and $V$:

$$
\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right) V
$$

Why divide by $\sqrt{d_k}$? The logit for one query-key pair is
$q \cdot k = \sum_{i=1}^{d_k} q_i k_i$. If the components are independent with zero mean and
unit variance, each product $q_i * k_i$ has variance 1, so the sum has variance $d_k$. With
$d_k = 64$ the logits would be large enough to push the softmax into regions with tiny
gradients; the scaling restores unit variance.

## Multi-head attention

Instead of one attention over $d_{\text{model}} = 512$ dimensions, the model projects queries,
keys and values $h = 8$ times into $d_k = d_v = 64$ dimensions, attends in every head in
parallel, and concatenates the results:

$$
\mathrm{MultiHead}(Q, K, V) = \mathrm{Concat}(\mathrm{head}_1, \ldots, \mathrm{head}_h) W^O
$$

The total cost is similar to single-head attention at full width, but different heads are free
to specialize in different relations.

## Positions

Attention is permutation-invariant, so sinusoidal position encodings are added to the
embeddings: $PE_{(pos, 2i)} = \sin(pos / 10000^{2i/d_{\text{model}}})$, with the cosine in the
odd dimensions. Any fixed offset then corresponds to a linear function of the encoding.

## Results

The base model has 6 encoder and 6 decoder layers. The big model reaches 28.4 BLEU on WMT 2014
English-German, more than 2 BLEU above the best previous results including ensembles, after 3.5
days of training on 8 P100 GPUs. The price is a per-layer cost of $O(n^2 \cdot d)$ in the
sequence length $n$, against $O(n \cdot d^2)$ for a recurrent layer.
""",
    },
    {
        "paper": TRANSFORMER,
        "author": "grace",
        "days_ago": 15,
        "body": r"""
The architecture gets all the attention (sorry), but much of this paper's success lies in
training details that are easy to miss. These are the ones I had to get right when
reimplementing it.

## Masked decoder self-attention

The decoder must not look at future tokens. Before the softmax, a mask $M$ with $-\infty$ above
the diagonal is added to the logits. For a three-token target:

$$
M = \begin{bmatrix} 0 & -\infty & -\infty \\ 0 & 0 & -\infty \\ 0 & 0 & 0 \end{bmatrix},
\qquad
\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}} + M\right) V
$$

Each row then spreads its weight only over the current and earlier positions, so the whole
target sequence is trained in one parallel pass (teacher forcing) without leaking information.

## Learning-rate schedule

Adam with $\beta_1 = 0.9$, $\beta_2 = 0.98$ and $\epsilon = 10^{-9}$, plus a linear warm-up
followed by inverse square-root decay:

$$
\mathrm{lr} = d_{\text{model}}^{-0.5} \cdot \min\left(\mathrm{step}^{-0.5},\;
\mathrm{step} \cdot \mathrm{warmup}^{-1.5}\right)
$$

with 4000 warm-up steps. In my experience, skipping the warm-up is the most common reason a
post-norm Transformer diverges early.

## Regularization and other details

- Dropout of 0.1 on every sub-layer output before it is added to the residual, and on the sum
  of embeddings and position encodings.
- Label smoothing with $\epsilon_{ls} = 0.1$. It makes perplexity worse, because the model
  learns to be less sure, but improves accuracy and BLEU.
- Every sub-layer is wrapped as $\mathrm{LayerNorm}(x + \mathrm{Sublayer}(x))$, i.e. the
  normalization comes after the residual addition.
- Input embeddings, output embeddings and the pre-softmax projection share one weight matrix,
  and the embeddings are multiplied by $\sqrt{d_{\text{model}}}$.
- Decoding uses beam search with a beam size of 4 and a length penalty of $\alpha = 0.6$.
""",
    },
    {
        "paper": TRANSFORMER,
        "author": "ada",
        "days_ago": 3.2,
        "body": r"""
Table 3 of the paper is an ablation study on the English-German development set, and I think it
is the most useful part for anyone designing attention models. My reading of it:

- **Number of heads.** At constant compute, a single head is 0.9 BLEU worse than the default of
  8, and going to 16 or 32 heads (with correspondingly smaller $d_k$) loses a little as well.
  The gain comes from having several subspaces, not from having as many as possible.
- **Key size.** Shrinking $d_k$ hurts, which the authors read as a hint that judging
  compatibility is not trivial and that something richer than a dot product might help.
- **Size and dropout.** Bigger models are better, and dropout matters a lot at this scale.
- **Positions.** Learned position embeddings instead of sinusoids give nearly identical
  results. The sinusoids were kept in the hope of extrapolating to sequences longer than any
  seen in training.

## What I would add

The paper sells the constant path length between positions, but self-attention scales as
$O(n^2)$ in the sequence length, in time and in memory. For sentence-level translation, with
$n$ around 30 to 50 tokens, that is cheaper than recurrence: the per-layer cost $n^2 d$ is below
$n d^2$ whenever $n < d$. For documents, images or audio it is not, which is why so much later
work is about sparse, local or linearized attention.

It is also worth noting that the same block generalized far beyond translation, and the paper
already hints at this with an English constituency parsing experiment, where a 4-layer model
trained only on the WSJ portion of the Penn Treebank does well without task-specific tuning.
""",
    },
    {
        "paper": GAN,
        "author": "emmy",
        "days_ago": 22,
        "score": 4,
        "body": r"""
## Setup

Two networks play a game. A generator $G$ maps noise $z \sim p_z$ to samples $G(z)$; a
discriminator $D$ outputs the probability that its input came from the data rather than from
$G$. Both optimize the same value function, in opposite directions:

$$
\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{\text{data}}}\left[\log D(x)\right] +
\mathbb{E}_{z \sim p_z}\left[\log\left(1 - D(G(z))\right)\right]
$$

## Theory

For a fixed $G$ the optimal discriminator is

$$
D^*_G(x) = \frac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_g(x)}
$$

and substituting it back gives

$$
C(G) = -\log 4 + 2 \cdot \mathrm{JSD}\left(p_{\text{data}} \,\|\, p_g\right),
$$

so the global minimum is reached exactly when $p_g = p_{\text{data}}$, where $D$ outputs
$\frac{1}{2}$ everywhere. The paper also shows that if $D$ reaches its optimum after every
generator step and $p_g$ is updated to improve the criterion, $p_g$ converges to
$p_{\text{data}}$. That argument lives in the space of distributions; with neural networks we
only update parameters, so it is motivation rather than a guarantee.

## Practice

- Early in training $D$ rejects generated samples confidently and $\log(1 - D(G(z)))$
  saturates. The authors instead train $G$ to maximize $\log D(G(z))$, which has the same fixed
  point but much stronger gradients while $G$ is still bad.
- Training alternates $k$ discriminator steps with one generator step; they use $k = 1$.
- No Markov chains and no approximate inference: only backpropagation and sampling from $p_z$.

## Caveats

There is no explicit density $p_g(x)$, so evaluation is awkward: the paper fits Parzen windows
to generated samples, a weak estimate in high dimensions. And $G$ must not be trained too much
without updating $D$, or it maps many values of $z$ to the same output (the "Helvetica
scenario", today called mode collapse).
""",
    },
    {
        "paper": GAN,
        "author": "kurt",
        "days_ago": 2,
        "is_private": True,
        "body": r"""
*Private notes, to be cleaned up before publishing.*

## Things to check

- Eq. 1 vs. what is actually trained: the generator loss used in practice is the
  non-saturating $-\log D(G(z))$, not $\log(1 - D(G(z)))$. Same fixed point, different
  dynamics. Say this clearly.
- Proposition 1 ($D^*$ in closed form) is a pointwise maximization of
  $a \log y + b \log(1 - y)$, which on $[0, 1]$ peaks at $y = \frac{a}{a + b}$. Include that
  one-line derivation.
- Theorem 1: $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{\text{data}} \,\|\, p_g)$, unique minimum at
  $p_g = p_{\text{data}}$.
- The convergence result assumes enough capacity and optimization over densities, not
  over network weights.

## Experiments

- Datasets: MNIST, the Toronto Face Database and CIFAR-10.
- Generator: a mix of ReLU and sigmoid units; discriminator: maxout units with dropout.
- Noise enters only at the bottom layer of $G$, although the framework would allow noise at
  intermediate layers too.
- Evaluation by Parzen-window log-likelihood. Cite the later critique showing this estimate
  can be badly misleading in high dimensions (Theis et al.).
- Samples in the figures are random draws, not cherry-picked, shown next to their nearest
  training examples to argue the model does not memorize.

## Open question for the write-up

How much of the later instability literature (mode collapse, oscillation) is anticipated here?
The paper mentions that $D$ and $G$ must stay well synchronized, and the "Helvetica scenario",
but only briefly.
""",
    },
    {
        "paper": VAE,
        "author": "ada",
        "days_ago": 20,
        "score": 5,
        "body": r"""
## Problem

We want to fit a latent-variable model $p_\theta(x) = \int p_\theta(x \mid z)\, p(z)\, dz$ by
maximum likelihood, i.e. maximize $\mathcal{L}(\theta) = \mathbb{E}_{x \sim p}[\log p_\theta(x)]$
over the data distribution $p$. With a neural-network decoder both the integral and the true
posterior $p_\theta(z \mid x)$ are intractable, and classical mean-field variational inference
would need a separate optimization for every data point.

## Method

Introduce an encoder (recognition model) $q_\phi(z \mid x)$ and maximize the evidence lower
bound jointly in $\theta$ and $\phi$:

$$
\log p_\theta(x) \geq \mathbb{E}_{q_\phi(z \mid x)}\left[\log p_\theta(x \mid z)\right] -
D_{\mathrm{KL}}\left(q_\phi(z \mid x) \,\|\, p(z)\right)
$$

The key trick is the reparameterization. With a Gaussian encoder, sample
$\epsilon \sim \mathcal{N}(0, I)$ and set $z = \mu_\phi(x) + \sigma_\phi(x) \odot \epsilon$.
The randomness no longer depends on $\phi$, so a Monte Carlo estimate of the bound is a
differentiable function of $\phi$, and ordinary backpropagation gives low-variance gradients.

The encoder's covariance is diagonal; for a two-dimensional latent space

$$
\Sigma_\phi(x) = \begin{bmatrix} \sigma_1^2 & 0 \\ 0 & \sigma_2^2 \end{bmatrix},
$$

and with a standard normal prior the KL term has a closed form over the $J$ latent dimensions:

$$
D_{\mathrm{KL}}\left(q_\phi(z \mid x) \,\|\, p(z)\right) =
\frac{1}{2} \sum_{j=1}^{J} \left(\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2\right)
$$

Only the reconstruction term needs sampling.

## Practical notes

- One sample of $\epsilon$ per data point is enough when minibatches are reasonably large (the
  experiments use $M = 100$).
- On MNIST and Frey Face the method converges faster and reaches better bounds than the
  wake-sleep algorithm, and unlike Monte Carlo EM it is an online algorithm that scales to the
  full datasets.
- The encoder amortizes inference: after training, the approximate posterior for a new $x$
  costs a single forward pass.
""",
    },
    {
        "paper": VAE,
        "author": "alan",
        "days_ago": 11,
        "body": r"""
A complement to the other summary here, focusing on why the estimator matters.

## Two ways to differentiate an expectation

We need $\nabla_\phi \mathbb{E}_{q_\phi(z)}[f(z)]$. The generic score-function (REINFORCE)
estimator

$$
\nabla_\phi \mathbb{E}_{q_\phi(z)}\left[f(z)\right] =
\mathbb{E}_{q_\phi(z)}\left[f(z) \nabla_\phi \log q_\phi(z)\right]
$$

works for any distribution but tends to have very high variance. The paper's alternative writes
$z = g_\phi(\epsilon, x)$ with a fixed noise distribution $\epsilon \sim p(\epsilon)$, so that

$$
\nabla_\phi \mathbb{E}_{q_\phi(z)}\left[f(z)\right] =
\mathbb{E}_{p(\epsilon)}\left[\nabla_\phi f\left(g_\phi(\epsilon, x)\right)\right].
$$

This uses the gradient of $f$ itself, not only its value, which is where the variance reduction
comes from. The paper lists families that admit such a $g$: location-scale families, those with
a tractable inverse CDF, and compositions of these.

## Reading the bound

Written as reconstruction minus KL, the objective looks like a regularized autoencoder: the
decoder must reconstruct $x$ from a noisy code, and the KL term keeps the codes close to the
prior, so that sampling $z \sim \mathcal{N}(0, I)$ at generation time lands in regions the
decoder knows.

## Limitations worth knowing

- Samples from VAEs with a Gaussian pixel likelihood are blurry, largely because that
  likelihood averages over plausible outputs.
- The gap between the bound and $\log p_\theta(x)$ depends on how flexible $q_\phi$ is. A
  diagonal Gaussian is a strong restriction, which later motivated normalizing flows and
  importance-weighted bounds.
- With a powerful autoregressive decoder the KL term can be driven to zero and the latent
  ignored ("posterior collapse"). None of this is in the paper, but anyone using VAEs runs
  into it.
""",
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
        "body": r"""
Adam keeps exponential moving averages of the gradient and of its elementwise square, and uses
them to give every parameter its own step size.

## The update

With gradient $g_t$ at step $t$:

$$
m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2
$$

$$
\hat{m}_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat{v}_t = \frac{v_t}{1 - \beta_2^t}, \qquad
\theta_t = \theta_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}
$$

Defaults: $\alpha = 0.001$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$.

## Why the bias correction

Both averages start at zero, so early on they are biased towards zero. For stationary gradients
$\mathbb{E}[v_t] = \mathbb{E}[g_t^2](1 - \beta_2^t)$, which the division undoes. Without the
correction the very first step would be $\alpha (1 - \beta_1) / \sqrt{1 - \beta_2}$, about
$3.2\alpha$ in every coordinate, and the mismatch would persist for thousands of steps because
$\beta_2$ is so close to 1.

## In code

```python
import numpy as np


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # t counts from 1, otherwise the bias correction divides by zero
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v
```

## Properties

- The effective step $\alpha \hat{m}_t / \sqrt{\hat{v}_t}$ is roughly bounded by $\alpha$ in
  magnitude, so $\alpha$ acts like a trust region in parameter space.
- The update is invariant to rescaling the gradient by a constant.
- The paper also proposes AdaMax, which replaces the $L^2$ norm behind $v_t$ with an
  $L^\infty$ norm.

One warning: the regret bound in the convergence section turned out to have a flaw. Reddi et
al. give simple convex counterexamples and the AMSGrad fix.
""",
    },
    {
        "paper": ADAM,
        "author": "kurt",
        "days_ago": 8,
        "body": r"""
Adam is the default optimizer for a reason: it works out of the box across a huge range of
models, and $\beta_1$ and $\beta_2$ rarely need tuning. Still, a few caveats have accumulated
since publication that any summary should mention.

## Weight decay is not L2 regularization here

With plain SGD, adding $\frac{\lambda}{2}\|\theta\|^2$ to the loss is the same as shrinking the
weights by a constant factor every step. With Adam it is not: the extra gradient
$\lambda \theta$ goes through the adaptive denominator, so parameters with large historical
gradients are regularized *less*. Decoupling the decay from the gradient step,

$$
\theta_t = \theta_{t-1} -
\alpha \left(\frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon} + \lambda \theta_{t-1}\right),
$$

gives the AdamW variant of Loshchilov and Hutter, which is what most libraries now recommend.

## Generalization

Several papers observed that adaptive methods reach a low training loss quickly but can
generalize worse than well-tuned SGD with momentum, most prominently on image classification.
Tuning the learning-rate schedule and the weight decay often closes the gap, but it is why many
vision baselines still use SGD.

## Convergence

The paper's $O(\sqrt{T})$ regret proof has an error: there are simple convex problems on which
Adam does not converge, because $\hat{v}_t$ can shrink and thereby increase the effective step
size. AMSGrad fixes this by using the running maximum of $v_t$. In practice the
counterexamples rarely bite.

## Verdict

A well-written paper whose main contribution is a robust, cheap default. Read the algorithm box
and the sections on bias correction and step sizes; treat the theory with care.
""",
    },
    {
        "paper": BATCHNORM,
        "author": "alan",
        "days_ago": 13,
        "body": r"""
## Motivation

The authors argue that training deep networks is slowed down by *internal covariate shift*:
the distribution of each layer's inputs keeps changing as the parameters of earlier layers
change, so every layer chases a moving target. Their remedy is to make normalization part of
the architecture and to compute it per mini-batch.

## The transform

For one activation over a mini-batch $\mathcal{B} = \{x_1, \ldots, x_m\}$:

$$
\mu_\mathcal{B} = \frac{1}{m} \sum_{i=1}^{m} x_i, \qquad
\sigma_\mathcal{B}^2 = \frac{1}{m} \sum_{i=1}^{m} \left(x_i - \mu_\mathcal{B}\right)^2
$$

$$
\hat{x}_i = \frac{x_i - \mu_\mathcal{B}}{\sqrt{\sigma_\mathcal{B}^2 + \epsilon}}, \qquad
y_i = \gamma \hat{x}_i + \beta
$$

The learned $\gamma$ and $\beta$ matter: with $\gamma = \sqrt{\sigma_\mathcal{B}^2 + \epsilon}$
and $\beta = \mu_\mathcal{B}$ the layer can represent the identity, so normalizing does not
reduce what the network can express. Gradients also flow through $\mu_\mathcal{B}$ and
$\sigma_\mathcal{B}^2$, which is what distinguishes this from normalizing as a preprocessing
step.

## Details

- In convolutional layers the statistics are shared per feature map, over the batch and all
  spatial positions, with one $\gamma$ and one $\beta$ per channel.
- At inference the batch statistics are replaced by population estimates (moving averages),
  so the output becomes a deterministic function of the input.
- BN is applied right before the nonlinearity, to $Wu$; the bias of the preceding layer is
  redundant because $\beta$ takes over its role.

## Results

On an Inception network for ImageNet, BN reached the original accuracy with 14 times fewer
training steps. Combined with higher learning rates, no dropout, less L2 weight decay and no
local response normalization, an ensemble reached 4.9% top-5 validation error, better than the
accuracy reported for human raters at the time.
""",
    },
    {
        "paper": BATCHNORM,
        "author": "emmy",
        "days_ago": 4.5,
        "is_anonymous": True,
        "body": r"""
Batch norm works extraordinarily well; the explanation in the title has aged less well. Some
points worth keeping in mind when reading it today.

## Is it really covariate shift?

Santurkar et al. (2018) injected random noise *after* BN layers, deliberately creating
distribution shift, and the networks trained about as well as with plain BN. Their measurements
suggest that BN makes the loss landscape smoother, with more predictive gradients, rather than
stabilizing input distributions. The recipe stays; the story changes.

## Examples are no longer independent

Within a batch the normalized values are coupled. For any single activation they always satisfy
$\hat{x}_1 + \hat{x}_2 + \cdots + \hat{x}_m = 0$, so the output for one example depends on which
other examples share its batch. Consequences:

- With small batches (detection, segmentation, large models per GPU) the statistics get noisy
  and accuracy drops. Layer Normalization and Group Normalization avoid this by normalizing
  over channels within a single example.
- Training uses batch statistics but inference uses running averages. If the two differ, for
  instance after fine-tuning on a shifted domain, test behaviour changes silently.
- Batch composition becomes a hyperparameter, and distributed training has to decide whether
  to synchronize statistics across devices.

## Side effects that help

The noise in the batch statistics acts as a regularizer, which is partly why the authors could
remove dropout. BN also makes a layer's output invariant to the scale of its incoming weights,
$\mathrm{BN}(aWu) = \mathrm{BN}(Wu)$ for $a > 0$, and larger weights receive smaller
gradients, which is why larger learning rates are tolerated; the paper discusses this scale
invariance explicitly.
""",
    },
    {
        "paper": BERT,
        "author": "kurt",
        "days_ago": 10,
        "score": 2,
        "body": r"""
## Idea

Pre-train a deep Transformer encoder on unlabeled text so that every token's representation is
conditioned on both its left and its right context, then fine-tune all parameters on each
downstream task with a single extra output layer.

Standard language modeling cannot be bidirectional, because every word would indirectly see
itself. BERT replaces it with a **masked language model**: pick 15% of the WordPiece tokens,
corrupt them, and predict the originals from the corrupted sequence $\tilde{x}$:

$$
\mathcal{L}_{\text{MLM}} = -\sum_{i \in \mathcal{M}} \log p_\theta\left(x_i \mid \tilde{x}\right)
$$

Of the picked tokens, 80% become `[MASK]`, 10% a random token and 10% stay unchanged, so the
model cannot rely on `[MASK]` being present, which it never is during fine-tuning.

A second objective, **next sentence prediction**, classifies whether sentence B really followed
sentence A (half of the time) or is a random sentence, to help tasks about sentence pairs.

## Models

| Model | Layers $L$ | Hidden size $H$ | Heads $A$ | Parameters |
|---|---|---|---|---|
| BERT-Base | 12 | 768 | 12 | 110M |
| BERT-Large | 24 | 1024 | 16 | 340M |

BERT-Base has the same size as OpenAI GPT to allow a direct comparison. The pre-training data
is BooksCorpus (800M words) plus English Wikipedia (2,500M words), text passages only.

## Inputs and fine-tuning

Every input starts with `[CLS]`, sentence pairs are separated by `[SEP]`, and a learned segment
embedding marks sentence A vs. B. Classification tasks use the final `[CLS]` vector; span tasks
such as SQuAD learn a start and an end vector and take their dot product with every token.

## Results

At publication it set a new state of the art on eleven tasks, with a GLUE score of 80.5 and a
SQuAD v1.1 test F1 of 93.2. Fine-tuning takes at most a few hours on a GPU per task. The real
shift was methodological: task-specific architectures gave way to fine-tuning one pre-trained
model.
""",
    },
    {
        "paper": BERT,
        "author": "grace",
        "days_ago": 5,
        "body": r"""
The ablations are worth reading closely, partly because later work overturned one of them.

## What the ablations say

- **Bidirectionality matters.** A left-to-right model trained on the same data, without next
  sentence prediction, is clearly worse, especially on SQuAD, where token-level predictions
  need right context. A BiLSTM on top of it helps SQuAD but hurts GLUE.
- **Next sentence prediction.** Removing it hurts QNLI, MNLI and SQuAD in their experiments.
  RoBERTa later found the opposite after changing the training setup (full-length segments,
  more data, longer training) and dropped it. The lesson: an ablation only holds within its
  training recipe.
- **Size.** Bigger is better, even on small datasets like MRPC with about 3,600 training
  examples, as long as the model is properly pre-trained.
- **Features vs. fine-tuning.** On CoNLL-2003 NER, concatenating the top four hidden layers as
  frozen features comes within a few tenths of an F1 point of fine-tuning the whole model. The
  representations are useful without fine-tuning, which matters when the downstream model is
  expensive.

## The cost of masking

Only the 15% masked positions produce a loss, so the masked model converges slightly more slowly
than a left-to-right one, yet it overtakes it in accuracy almost immediately. The `[MASK]`
mismatch between pre-training and fine-tuning is handled by the 80/10/10 rule, and the ablation
of that rule shows fine-tuning is fairly robust to the choice, while the feature-based approach
is more sensitive: masking with `[MASK]` only is clearly worse there.

## Limitations

Masked tokens are predicted independently of each other given the corrupted context, so the
model never learns a joint distribution over several masked words, and BERT cannot generate
text left to right. Inputs are capped at 512 tokens.
""",
    },
    {
        "paper": DQN,
        "author": "emmy",
        "days_ago": 14,
        "score": 6,
        "body": r"""
## Goal

One agent, one architecture and one set of hyperparameters for 49 Atari 2600 games, learning
from raw pixels and the game score only.

## Model

The input is a stack of the last 4 preprocessed frames ($84 \times 84$, grayscale). Three
convolutional layers and a fully connected layer of 512 units feed an output layer with one
Q-value per action, so a single forward pass evaluates every action.

## Learning

Q-learning with a nonlinear function approximator is notoriously unstable. Two changes make it
work:

- **Experience replay.** Transitions $(s, a, r, s')$ go into a memory $D$ holding the last
  million; updates use minibatches sampled uniformly from it. This breaks the correlations
  between consecutive samples and reuses each transition many times.
- **Target network.** Targets come from a copy of the network with parameters $\theta^-$ that
  is refreshed only every $C$ steps.

The loss at iteration $i$ is

$$
L_i(\theta_i) = \mathbb{E}_{(s, a, r, s') \sim U(D)}\left[\left(r + \gamma \max_{a'}
Q(s', a'; \theta_i^-) - Q(s, a; \theta_i)\right)^2\right]
$$

Further details: rewards are clipped to $[-1, 1]$ so one learning rate fits all games, the TD
error is clipped to the same range, every action is repeated for 4 frames, the optimizer is
RMSProp, and exploration is $\epsilon$-greedy with $\epsilon$ annealed from 1.0 to 0.1 over the
first million frames. Each game is trained for 50 million frames.

## Results

DQN beats the best previous reinforcement learning methods on 43 of the 49 games and reaches
more than 75% of a professional human tester's score on 29 of them. It does best on reactive
games such as Breakout, where it discovers the strategy of tunnelling behind the wall, and
fails on games that need long-term planning, such as Montezuma's Revenge.
""",
    },
    {
        "paper": DQN,
        "author": "grace",
        "days_ago": 1.5,
        "body": r"""
What I find most instructive is the ablation in the extended data: the same agent trained with
and without experience replay, and with and without the separate target network. Removing
either one hurts on every game tested, removing both collapses performance, and replay
contributes the larger share. For anyone who has tried naive Q-learning with a neural network,
that table is the paper.

## Why each fix helps

Tabular Q-learning converges, but with function approximation, bootstrapping and off-policy
data together it can diverge. Consecutive frames are highly correlated, so online updates
overfit to the current stretch of play, and because the policy follows the Q-values, the data
distribution shifts with every update. Replay averages over many past behaviours. The target
network keeps the regression target fixed for $C$ updates, so changing $Q(s, a)$ does not
immediately move the target $r + \gamma \max_{a'} Q(s', a')$ of neighbouring states.

## What it does not solve

- **Overestimation.** Using the same $\max$ to select and to evaluate actions biases the
  targets upwards; Double DQN decouples the two at almost no extra cost.
- **Sparse rewards.** Montezuma's Revenge stays at essentially zero, since $\epsilon$-greedy
  exploration rarely stumbles onto the first reward.
- **Sample efficiency.** 50 million frames amount to about 38 days of game experience per game,
  against roughly two hours of practice for the human tester.

## The representation

A t-SNE embedding of the last hidden layer shows that states with similar predicted value
cluster together even when they look different on screen, and states from human play are
embedded in the same way as the agent's own. A nice sanity check that it learned more than
pixel matching.
""",
    },
    {
        "paper": ATTENTION_NMT,
        "author": "alan",
        "days_ago": 9,
        "body": r"""
## Problem

Encoder-decoder translation models of the time compressed the whole source sentence into one
fixed-length vector. Quality fell off sharply with sentence length: a single vector is a
bottleneck for long inputs.

## Approach

The encoder is a bidirectional RNN. Each source word $x_j$ gets an annotation $h_j$, the
concatenation of the forward and backward states, which summarizes the sentence with a focus on
the words around position $j$. For each target word $y_i$, the decoder computes its own context
vector $c_i$ as a weighted average of all annotations:

$$
e_{ij} = v_a^\top \tanh\left(W_a s_{i-1} + U_a h_j\right), \qquad
\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_{k=1}^{T_x} \exp(e_{ik})}, \qquad
c_i = \sum_{j=1}^{T_x} \alpha_{ij} h_j
$$

Here $s_{i-1}$ is the previous decoder state. The alignment model is a small feed-forward
network trained jointly with everything else; there are no latent alignment variables, and the
soft weights $\alpha_{ij}$ are fully differentiable. This is what is now called additive
attention.

## Experiments

English-to-French from WMT'14, with 30,000-word vocabularies and gated recurrent units with
1000 hidden units. Models are trained on sentences of up to 30 and up to 50 words, with
attention (RNNsearch) and without it (RNNencdec). The baseline degrades quickly on long
sentences, while RNNsearch-50 shows no deterioration even at 50 words and beyond. On sentences
without unknown words, the best model is comparable to the phrase-based Moses system.

## Why it matters

The plotted alignment matrices $\alpha_{ij}$ are mostly monotonic but handle local reordering,
such as adjective-noun order between English and French, and they are soft, so one target word
can draw on several source words. Beyond translation, this paper introduced the mechanism that
the Transformer later turned into the whole model.
""",
    },
    {
        "paper": FASTER_RCNN,
        "author": "ada",
        "days_ago": 7,
        "body": r"""
## Context

[Fast R-CNN](https://arxiv.org/abs/1504.08083) made the detection network itself fast, which
left region proposals (Selective Search, about 2 seconds per image on a CPU) as the bottleneck.
This paper makes proposals almost free by computing them from the same convolutional features
the detector already uses.

## Region Proposal Network

A small network slides a $3 \times 3$ window over the last shared feature map. At each location
it considers $k = 9$ reference boxes, *anchors*, at 3 scales ($128^2$, $256^2$ and $512^2$
pixels) and 3 aspect ratios (1:1, 1:2 and 2:1). For each anchor it predicts an objectness score
and four box offsets relative to the anchor:

$$
t_x = \frac{x - x_a}{w_a}, \quad t_y = \frac{y - y_a}{h_a}, \quad
t_w = \log \frac{w}{w_a}, \quad t_h = \log \frac{h}{h_a}
$$

The loss over a minibatch of anchors combines classification and regression, the latter only
for positive anchors ($p_i^* = 1$):

$$
L(\{p_i\}, \{t_i\}) = \frac{1}{N_{\text{cls}}} \sum_i L_{\text{cls}}(p_i, p_i^*) +
\lambda \frac{1}{N_{\text{reg}}} \sum_i p_i^* L_{\text{reg}}(t_i, t_i^*)
$$

An anchor is positive if its IoU with a ground-truth box exceeds 0.7 (or is the highest for
that box) and negative below 0.3. Anchors make the proposals translation invariant and cover
multiple scales without image or filter pyramids.

## Training and results

The RPN and Fast R-CNN share their convolutional layers. The paper trains them with a 4-step
alternating scheme; approximate joint training gives similar accuracy in less time. With
VGG-16 the whole system runs at about 5 fps on a GPU with 300 proposals per image and reaches
73.2% mAP on the PASCAL VOC 2007 test set when trained on VOC 2007 and 2012, better than the
same detector with Selective Search proposals.
""",
    },
]

# hours_after counts from the summary's own time, so a comment never predates its summary.
COMMENTS = [
    {
        "summary": (RESNET, "ada"),
        "author": "kurt",
        "hours_after": 5,
        "body": (
            "Good point that the degradation shows up in *training* error. The identity "
            "mappings follow-up pushes depth further still: with pre-activation blocks a "
            "1001-layer ResNet gets 4.62% error on CIFAR-10, so the 1202-layer overfitting "
            "result here is not the last word."
        ),
    },
    {
        "summary": (RESNET, "ada"),
        "author": "emmy",
        "hours_after": 30,
        "body": (
            "Do you know how much projection shortcuts (option B vs. A) matter on ImageNet? "
            "Reimplementations seem to use zero-padding on CIFAR but projections on ImageNet."
        ),
    },
    {
        "summary": (RESNET, "ada"),
        "author": "ada",
        "hours_after": 34,
        # An answer to emmy's question just above (its place in this list).
        "reply_to": 1,
        "body": (
            "Only a little: B beats A by a few tenths of a point, which the paper puts "
            "down to the zero-padded channels learning no residual at all. The CIFAR models use "
            "option A so their parameter counts match the plain baselines exactly."
        ),
    },
    {
        "summary": (TRANSFORMER, "alan"),
        "author": "grace",
        "hours_after": 8,
        "body": (
            r"The variance argument for $\sqrt{d_k}$ is in a footnote of the paper, for anyone "
            "looking for it. They also note that without the scaling, additive attention beats "
            r"dot-product attention for larger $d_k$."
        ),
    },
    {
        "summary": (TRANSFORMER, "alan"),
        "author": "kurt",
        "hours_after": 50,
        "body": (
            "On complexity: for WMT sentences $n$ is usually well below $d = 512$, so a "
            "self-attention layer is actually cheaper than a recurrent one. The quadratic cost "
            "only bites on long inputs."
        ),
    },
    {
        "summary": (GAN, "emmy"),
        "author": "alan",
        "hours_after": 12,
        "body": (
            "With the non-saturating generator loss the game is no longer zero-sum, so the "
            "minimax analysis does not strictly cover what is trained. The fixed point "
            r"$p_g = p_{\text{data}}$ is the same, though."
        ),
    },
    {
        "summary": (VAE, "ada"),
        "author": "grace",
        "hours_after": 20,
        "body": (
            "The diagonal covariance is also what makes the KL term a sum of independent "
            r"per-dimension terms. A full covariance would need $\log \det \Sigma$, which is "
            "where the later flow-based posteriors come in."
        ),
    },
    {
        "summary": (ADAM, "grace"),
        "author": "alan",
        "hours_after": 4,
        "body": (
            "Algorithm 1 is written slightly differently in the paper: it folds the corrections "
            r"into the step size, $\alpha_t = \alpha \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)$, "
            r"and adds $\epsilon$ to the uncorrected $\sqrt{v_t}$. Equivalent up to how "
            r"$\epsilon$ is scaled, which explains small differences between frameworks."
        ),
    },
    {
        "summary": (ADAM, "grace"),
        "author": "kurt",
        "hours_after": 26,
        "body": (
            "If you use weight decay with it, switch to the decoupled version (AdamW). L2 added "
            r"to the loss goes through the $\sqrt{\hat{v}_t}$ denominator, which is rarely what "
            "you want."
        ),
    },
    {
        "summary": (DQN, "emmy"),
        "author": "ada",
        "hours_after": 18,
        "body": (
            "The TD-error clipping is easy to miss in reimplementations. Clipping the error to "
            "$[-1, 1]$ gives the same gradient as a Huber loss, which is why most libraries use "
            "Huber for DQN."
        ),
    },
    {
        "summary": (BATCHNORM, "alan"),
        "author": "emmy",
        "hours_after": 40,
        "body": (
            "A practical consequence of the redundant bias: convolutions followed by BN are "
            "usually created with `bias=False`, which saves parameters and a useless gradient."
        ),
    },
    {
        "summary": (BERT, "kurt"),
        "author": "alan",
        "hours_after": 6,
        "body": (
            "The 10% of unchanged tokens are easy to overlook, but they matter: the encoder "
            "cannot tell which tokens it will be asked to predict, so it has to keep a good "
            "contextual representation of every input token."
        ),
    },
]
