"""A demo site built from word lists: venues, areas, topics and thousands of paper notes.

`build_demo_site()` fills an empty database with something that looks like the real
thing: papers spread unevenly over venues and areas (some venue×area pages hold
hundreds of notes, some none), long-tailed topics, titles in mixed case with the odd
non-ASCII letter, summaries with inline math, Markdown bodies with tables and display
math, and a few drafts, notes in review and scheduled notes that the public must not
see.

Every choice comes from one `random.Random(seed)`, so a seed always gives the same
site. Only scheduled notes depend on the time of loading: they are dated after it, so
that they stay in the future. All text is assembled here from the lists below.
"""

import bisect
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from papers.bulk import insert_rows
from papers.history import CREATED, record_paper_history
from papers.models import Paper, PaperSearch, TaggedPaper, Topic
from papers.querysets import RATING_FIELDS
from papers.search import full_text_filled_after, index_papers
from papers.services import indexes_built_after
from venues.models import Area, Venue

# Papers are written this many at a time, which bounds memory at any site size.
BATCH_SIZE = 2000
# The static site cut its file names at 80 characters; the demo does the same.
SLUG_MAX_LENGTH = 80
# Published notes are dated in the year before this fixed day, so that a seed gives
# the same dates whenever it is loaded, and all of them are in the past.
DEMO_EPOCH = datetime(2025, 6, 1, tzinfo=UTC)
DEMO_SPAN = timedelta(days=365)
# The share of notes, on top of the published ones, in each non-public state.
EXTRA_SHARES = {"draft": 0.03, "review": 0.02, "scheduled": 0.02}


class VenueSpec(NamedTuple):
    name: str
    emoji: str
    series: str
    year: int
    full_name: str
    url: str
    #: Its share of the papers, relative to the other venues.
    size: float


class AreaSpec(NamedTuple):
    slug: str
    emoji: str
    name: str
    #: Which FAMILY_WORDS its papers are written from, and which venues take it.
    family: str
    #: Its share of the papers, relative to the other areas.
    size: float
    description: str
    #: The topics its papers lean towards.
    topics: list


VENUES = [
    VenueSpec(
        "ICLR2026",
        "🔬",
        "ICLR",
        2026,
        "International Conference on Learning Representations 2026",
        "https://iclr.cc/Conferences/2026",
        10,
    ),
    VenueSpec(
        "ICML2026",
        "🧪",
        "ICML",
        2026,
        "International Conference on Machine Learning 2026",
        "https://icml.cc/Conferences/2026",
        6,
    ),
    VenueSpec(
        "CVPR2026",
        "📷",
        "CVPR",
        2026,
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition 2026",
        "https://cvpr.thecvf.com/Conferences/2026",
        8,
    ),
    VenueSpec(
        "ACL2026",
        "💬",
        "ACL",
        2026,
        "Annual Meeting of the Association for Computational Linguistics 2026",
        "https://2026.aclweb.org/",
        4,
    ),
    VenueSpec(
        "AAAI2026",
        "🤖",
        "AAAI",
        2026,
        "AAAI Conference on Artificial Intelligence 2026",
        "https://aaai.org/conference/aaai/aaai-26/",
        5,
    ),
    VenueSpec(
        "ECCV2026",
        "👁️",
        "ECCV",
        2026,
        "European Conference on Computer Vision 2026",
        "https://eccv.ecva.net/",
        3,
    ),
    VenueSpec(
        "KDD2026",
        "📊",
        "KDD",
        2026,
        "ACM SIGKDD Conference on Knowledge Discovery and Data Mining 2026",
        "https://kdd2026.kdd.org/",
        3,
    ),
    VenueSpec(
        "NeurIPS2025",
        "🧠",
        "NeurIPS",
        2025,
        "Conference on Neural Information Processing Systems 2025",
        "https://neurips.cc/Conferences/2025",
        9,
    ),
    VenueSpec(
        "ICML2025",
        "🧪",
        "ICML",
        2025,
        "International Conference on Machine Learning 2025",
        "https://icml.cc/Conferences/2025",
        7,
    ),
    VenueSpec(
        "EMNLP2025",
        "🗣️",
        "EMNLP",
        2025,
        "Conference on Empirical Methods in Natural Language Processing 2025",
        "https://2025.emnlp.org/",
        4,
    ),
]

# How much of each family of areas a conference series takes; a family left out
# gets nothing, which leaves some venue×area pages empty, as on the real site.
SERIES_AFFINITY = {
    "ICLR": {
        "lang": 1.0,
        "vision": 0.4,
        "multimodal": 0.7,
        "ml": 1.0,
        "rl": 0.8,
        "science": 0.6,
        "data": 0.1,
    },
    "ICML": {
        "lang": 0.7,
        "vision": 0.2,
        "multimodal": 0.4,
        "ml": 1.0,
        "rl": 0.8,
        "science": 0.7,
        "data": 0.1,
    },
    "NeurIPS": {
        "lang": 0.9,
        "vision": 0.4,
        "multimodal": 0.8,
        "ml": 1.0,
        "rl": 0.7,
        "science": 0.7,
        "data": 0.2,
    },
    "CVPR": {"vision": 1.0, "multimodal": 0.8, "ml": 0.1},
    "ECCV": {"vision": 1.0, "multimodal": 0.5},
    "ACL": {"lang": 1.0, "multimodal": 0.4},
    "EMNLP": {"lang": 1.0, "multimodal": 0.3},
    "AAAI": {
        "lang": 0.5,
        "vision": 0.5,
        "multimodal": 0.4,
        "ml": 0.6,
        "rl": 0.5,
        "science": 0.3,
        "data": 0.6,
    },
    "KDD": {"data": 1.0, "ml": 0.2, "lang": 0.1, "science": 0.2},
}

AREAS = [
    AreaSpec(
        "llm_pretraining",
        "📚",
        "Pretraining",
        "lang",
        50,
        "How large models are trained from scratch: data, objectives, architectures and scaling.",
        ["LLM", "Scaling Laws", "Data Curation", "Tokenization", "Mixture of Experts"],
    ),
    AreaSpec(
        "llm_reasoning",
        "🧮",
        "Reasoning",
        "lang",
        28,
        "Getting models to work through multi-step problems in mathematics, code and logic.",
        ["LLM", "Chain-of-Thought", "Mathematical Reasoning", "Test-Time Compute"],
    ),
    AreaSpec(
        "llm_alignment",
        "🎯",
        "Alignment & RLHF",
        "lang",
        18,
        "Steering models towards what people want, from preference data to reward models.",
        ["Alignment/RLHF", "LLM", "Preference Optimization", "Reward Modeling", "Safety"],
    ),
    AreaSpec(
        "llm_efficiency",
        "⚡",
        "LLM Efficiency",
        "lang",
        10,
        "Making large models cheaper to serve: quantization, sparsity, caching and decoding tricks.",
        ["LLM", "Quantization", "KV Cache", "Speculative Decoding", "Efficiency"],
    ),
    AreaSpec(
        "llm_agents",
        "🧰",
        "Agents & Tool Use",
        "lang",
        6,
        "Models that plan, call tools and act over many steps in software environments.",
        ["LLM", "Tool Use", "Multi-Agent Systems", "Code Generation"],
    ),
    AreaSpec(
        "llm_evaluation",
        "📏",
        "Evaluation & Benchmarks",
        "lang",
        4,
        "New test sets and better ways of telling what a model can really do.",
        ["Benchmark", "LLM", "Hallucination"],
    ),
    AreaSpec(
        "nlp_retrieval",
        "🔎",
        "Retrieval & RAG",
        "lang",
        4,
        "Finding the right passages and using them to ground what a model writes.",
        ["Retrieval-Augmented Generation", "LLM", "Long Context"],
    ),
    AreaSpec(
        "nlp_multilingual",
        "🌍",
        "Multilingual NLP",
        "lang",
        2.5,
        "Language technology beyond English, including languages with little data.",
        ["Machine Translation", "Low-Resource Languages", "Tokenization"],
    ),
    AreaSpec(
        "nlp_information_extraction",
        "🏷️",
        "Information Extraction",
        "lang",
        1.5,
        "Pulling entities, relations and events out of unstructured text.",
        ["Knowledge Graphs", "In-Context Learning"],
    ),
    AreaSpec(
        "speech_audio",
        "🎙️",
        "Speech & Audio",
        "lang",
        1.5,
        "Recognising, generating and understanding speech, music and other sound.",
        ["Speech Recognition", "Text-to-Speech"],
    ),
    AreaSpec(
        "cv_generation",
        "🎨",
        "Image & Video Generation",
        "vision",
        20,
        "Diffusion, flow and autoregressive models that make and edit pictures and clips.",
        ["Diffusion Models", "Text-to-Image", "Video Generation", "Image Editing"],
    ),
    AreaSpec(
        "cv_detection",
        "📦",
        "Detection & Segmentation",
        "vision",
        6,
        "Finding and outlining objects, including categories never seen in training.",
        ["Object Detection", "Semantic Segmentation", "Open-Vocabulary Recognition"],
    ),
    AreaSpec(
        "cv_3d",
        "🧊",
        "3D Vision",
        "vision",
        6,
        "Recovering and rendering the three-dimensional world from images.",
        ["Gaussian Splatting", "Neural Radiance Fields", "Point Clouds"],
    ),
    AreaSpec(
        "cv_video",
        "🎬",
        "Video Understanding",
        "vision",
        3,
        "Recognising actions and events and answering questions about long videos.",
        ["Video Generation", "Transformers", "Long Context"],
    ),
    AreaSpec(
        "cv_self_supervised",
        "🪞",
        "Self-Supervised Vision",
        "vision",
        2.5,
        "Learning visual features without labels, from masking, contrast or distillation.",
        ["Self-Supervised Learning", "Contrastive Learning", "Knowledge Distillation"],
    ),
    AreaSpec(
        "cv_low_level",
        "🌫️",
        "Image Restoration",
        "vision",
        2,
        "Denoising, deblurring, super-resolution and other repairs to damaged images.",
        ["Diffusion Models", "Efficiency"],
    ),
    AreaSpec(
        "cv_medical",
        "🩻",
        "Medical Imaging",
        "vision",
        1.5,
        "Reading scans and slides, where labels are scarce and mistakes are costly.",
        ["Medical Imaging", "Semantic Segmentation", "Domain Adaptation"],
    ),
    AreaSpec(
        "autonomous_driving",
        "🚗",
        "Autonomous Driving",
        "vision",
        2,
        "Perception, prediction and planning for vehicles on real roads.",
        ["Autonomous Driving", "World Models", "Point Clouds"],
    ),
    AreaSpec(
        "multimodal_vlm",
        "🖼️",
        "Vision-Language Models",
        "multimodal",
        14,
        "Models that read images and text together and talk about what they see.",
        ["Multimodal", "Vision-Language", "LLM", "Hallucination"],
    ),
    AreaSpec(
        "multimodal_embodied",
        "🦾",
        "Embodied AI",
        "multimodal",
        3,
        "Agents with bodies, real or simulated, that see, plan and act.",
        ["Embodied AI", "World Models", "Imitation Learning"],
    ),
    AreaSpec(
        "ml_theory",
        "📐",
        "Learning Theory",
        "ml",
        5,
        "Why and when learning works: generalisation, expressivity and training dynamics.",
        ["In-Context Learning", "Transformers", "Optimization"],
    ),
    AreaSpec(
        "ml_optimization",
        "📉",
        "Optimization",
        "ml",
        4,
        "Optimizers, learning-rate schedules and what makes training stable at scale.",
        ["Optimization", "Scaling Laws", "Efficiency"],
    ),
    AreaSpec(
        "ml_generative",
        "🌀",
        "Generative Modeling",
        "ml",
        6,
        "The mathematics of diffusion, flows and other models that sample new data.",
        ["Diffusion Models", "Flow Matching", "Score-Based Models", "Optimal Transport"],
    ),
    AreaSpec(
        "ml_robustness",
        "🛡️",
        "Robustness & Security",
        "ml",
        5,
        "Attacks on models and defences that hold up against a determined adversary.",
        ["Adversarial Robustness", "Jailbreaks", "Watermarking", "Safety"],
    ),
    AreaSpec(
        "ml_interpretability",
        "🔍",
        "Interpretability",
        "ml",
        4,
        "Looking inside trained networks to explain what they compute and why.",
        ["Mechanistic Interpretability", "Interpretability", "Sparse Autoencoders"],
    ),
    AreaSpec(
        "ml_fairness_privacy",
        "⚖️",
        "Fairness & Privacy",
        "ml",
        2,
        "Models that treat groups fairly and do not leak what they were trained on.",
        ["Differential Privacy", "Fairness", "Federated Learning"],
    ),
    AreaSpec(
        "ml_federated",
        "🤝",
        "Federated Learning",
        "ml",
        1.5,
        "Training across many devices or organisations without pooling their data.",
        ["Federated Learning", "Differential Privacy"],
    ),
    AreaSpec(
        "ml_continual",
        "🔁",
        "Continual Learning",
        "ml",
        1.5,
        "Learning new tasks one after another without forgetting the old ones.",
        ["Continual Learning", "Domain Adaptation"],
    ),
    AreaSpec(
        "ml_probabilistic",
        "🎲",
        "Probabilistic Methods",
        "ml",
        2,
        "Bayesian inference, uncertainty and calibrated predictions.",
        ["Uncertainty Quantification", "Bayesian Inference", "Gaussian Processes", "α-Divergences"],
    ),
    AreaSpec(
        "ml_graph",
        "🕸️",
        "Graph Learning",
        "ml",
        3,
        "Neural networks on graphs, meshes and other relational structure.",
        ["Graph Neural Networks", "Knowledge Graphs"],
    ),
    AreaSpec(
        "rl_core",
        "🎮",
        "Reinforcement Learning",
        "rl",
        5,
        "Learning to act from reward, online or from logged data.",
        ["Reinforcement Learning", "Offline RL", "World Models"],
    ),
    AreaSpec(
        "rl_robotics",
        "🤖",
        "Robot Learning",
        "rl",
        2.5,
        "Policies for real robots: manipulation, locomotion and transfer from simulation.",
        ["Imitation Learning", "Embodied AI", "Reinforcement Learning"],
    ),
    AreaSpec(
        "ai_science",
        "🧬",
        "AI for Science",
        "science",
        4,
        "Machine learning for molecules, proteins, materials, climate and physics.",
        ["Protein Design", "Molecular Generation", "Weather Forecasting"],
    ),
    AreaSpec(
        "data_recommendation",
        "🛒",
        "Recommender Systems",
        "data",
        3,
        "Ranking items for people, from click logs to generative recommenders.",
        ["Recommendation", "LLM"],
    ),
    AreaSpec(
        "data_time_series",
        "⏱️",
        "Time Series",
        "data",
        2,
        "Forecasting, imputation and anomaly detection for data that arrives over time.",
        ["Time Series Forecasting", "Transformers"],
    ),
    AreaSpec(
        "data_tabular",
        "📋",
        "Tabular Data & AutoML",
        "data",
        1,
        "Learning from spreadsheets and databases, and searching for models automatically.",
        ["Benchmark", "Causal Inference"],
    ),
]

# Ordered from the most to the least used: a paper's topics are drawn with Zipf-like
# weights over this order, so a few topics are everywhere and most are rare.
TOPICS = [
    "LLM",
    "Diffusion Models",
    "Alignment/RLHF",
    "Multimodal",
    "Benchmark",
    "Efficiency",
    "Transformers",
    "Reinforcement Learning",
    "Adversarial Robustness",
    "Vision-Language",
    "Chain-of-Thought",
    "In-Context Learning",
    "Retrieval-Augmented Generation",
    "Self-Supervised Learning",
    "Graph Neural Networks",
    "Mixture of Experts",
    "Quantization",
    "Scaling Laws",
    "Safety",
    "Hallucination",
    "Contrastive Learning",
    "Knowledge Distillation",
    "Preference Optimization",
    "Long Context",
    "Reward Modeling",
    "Tool Use",
    "Code Generation",
    "Mathematical Reasoning",
    "Test-Time Compute",
    "World Models",
    "Embodied AI",
    "Text-to-Image",
    "Video Generation",
    "Gaussian Splatting",
    "Neural Radiance Fields",
    "Object Detection",
    "Semantic Segmentation",
    "Data Curation",
    "Synthetic Data",
    "Tokenization",
    "KV Cache",
    "Speculative Decoding",
    "Interpretability",
    "Mechanistic Interpretability",
    "Sparse Autoencoders",
    "Federated Learning",
    "Differential Privacy",
    "Fairness",
    "Continual Learning",
    "Domain Adaptation",
    "Uncertainty Quantification",
    "Bayesian Inference",
    "Optimization",
    "Flow Matching",
    "Score-Based Models",
    "Optimal Transport",
    "Offline RL",
    "Imitation Learning",
    "Multi-Agent Systems",
    "Jailbreaks",
    "Watermarking",
    "Point Clouds",
    "Image Editing",
    "Open-Vocabulary Recognition",
    "Autonomous Driving",
    "Medical Imaging",
    "Protein Design",
    "Molecular Generation",
    "Weather Forecasting",
    "Time Series Forecasting",
    "Recommendation",
    "Knowledge Graphs",
    "Causal Inference",
    "Machine Translation",
    "Low-Resource Languages",
    "Speech Recognition",
    "Text-to-Speech",
    "Gaussian Processes",
    "α-Divergences",
]
TOPIC_ZIPF_EXPONENT = 1.1
# How many topics a paper gets (0, 1, 2, 3 or 4), relative weights.
TOPIC_COUNT_WEIGHTS = [10, 30, 30, 20, 10]

# Per family of areas: what papers study, the tasks they target, where they measure,
# and with what.
FAMILY_WORDS = {
    "lang": {
        "subjects": [
            "Language Models",
            "Reward Models",
            "Tokenizers",
            "Instruction Data",
            "Preference Data",
            "Long-Context Transformers",
            "Reasoning Traces",
            "Draft Models",
            "Retrieval Heads",
            "Multilingual Encoders",
            "KV Caches",
            "Small Language Models",
            "Mixture-of-Experts Layers",
            "Speech Encoders",
            "Verifiers",
        ],
        "tasks": [
            "Machine Translation",
            "Open-Domain Question Answering",
            "Code Generation",
            "Math Word Problems",
            "Long-Document Summarization",
            "Dialogue State Tracking",
            "Low-Resource Languages",
            "Fact Verification",
            "Tool Calling",
            "Speech Recognition",
            "Entity Linking",
            "Instruction Following",
            "Theorem Proving",
        ],
        "benchmarks": [
            "GSM8K",
            "MATH-500",
            "MMLU",
            "HumanEval",
            "LongBench",
            "FLORES-200",
            "TruthfulQA",
            "AlpacaEval",
            "HotpotQA",
            "LibriSpeech",
        ],
        "metrics": ["Acc.", "Pass@1", "Win rate", "BLEU", "EM", "F1", "WER ↓"],
        "keywords": [
            "large language models",
            "instruction tuning",
            "decoding",
            "preference learning",
            "tokenization",
            "retrieval",
            "chain of thought",
            "KV cache",
            "reward model",
        ],
    },
    "vision": {
        "subjects": [
            "Vision Transformers",
            "Diffusion Backbones",
            "Feature Pyramids",
            "Point Cloud Encoders",
            "Gaussian Splats",
            "Optical Flow Estimators",
            "Video Tokenizers",
            "Segmentation Heads",
            "Radiance Fields",
            "Depth Priors",
            "Masked Autoencoders",
            "Event Cameras",
        ],
        "tasks": [
            "Open-Vocabulary Detection",
            "Panoptic Segmentation",
            "Novel View Synthesis",
            "Monocular Depth Estimation",
            "Text-to-Image Generation",
            "Video Editing",
            "Human Pose Estimation",
            "Image Restoration",
            "Lesion Segmentation",
            "Trajectory Prediction",
            "3D Reconstruction",
            "Image Super-Resolution",
        ],
        "benchmarks": [
            "COCO",
            "ADE20K",
            "ImageNet-1K",
            "Kinetics-400",
            "ScanNet",
            "nuScenes",
            "DAVIS",
            "LLFF",
            "Cityscapes",
        ],
        "metrics": ["mAP", "mIoU", "Top-1", "PSNR", "FID ↓", "NDS", "SSIM"],
        "keywords": [
            "diffusion",
            "segmentation",
            "3D reconstruction",
            "vision transformer",
            "gaussian splatting",
            "video",
            "detection",
            "image editing",
            "depth",
        ],
    },
    "multimodal": {
        "subjects": [
            "Vision-Language Models",
            "Multimodal Encoders",
            "Visual Instruction Data",
            "Image-Text Retrievers",
            "Audio-Visual Transformers",
            "Visual Tokens",
            "Multimodal Agents",
        ],
        "tasks": [
            "Visual Question Answering",
            "Image Captioning",
            "Chart Understanding",
            "Document Understanding",
            "Grounded Dialogue",
            "Video Question Answering",
            "Referring Expression Comprehension",
            "Vision-Language Navigation",
        ],
        "benchmarks": ["VQAv2", "MMBench", "ChartQA", "DocVQA", "MMMU", "RefCOCO", "Video-MME"],
        "metrics": ["Acc.", "CIDEr", "Recall@1", "Score"],
        "keywords": [
            "vision-language",
            "multimodal",
            "visual tokens",
            "grounding",
            "hallucination",
            "instruction tuning",
            "embodied agents",
        ],
    },
    "ml": {
        "subjects": [
            "Gradient Methods",
            "Adaptive Optimizers",
            "Two-Layer Networks",
            "Graph Neural Networks",
            "Normalizing Flows",
            "Score-Based Models",
            "Flow Matching Models",
            "Gaussian Processes",
            "Federated Clients",
            "Sparse Autoencoders",
            "Neural Tangent Kernels",
            "Certified Defenses",
            "Bayesian Neural Networks",
            "Influence Functions",
            "Replay Buffers",
        ],
        "tasks": [
            "Distribution Shift",
            "Label Noise",
            "Out-of-Distribution Detection",
            "Heterogeneous Clients",
            "Adversarial Examples",
            "Class-Incremental Learning",
            "Uncertainty Estimation",
            "Causal Discovery",
            "Non-Convex Optimization",
            "Density Estimation",
            "Link Prediction",
            "Membership Inference",
        ],
        "benchmarks": [
            "CIFAR-10",
            "CIFAR-100",
            "ImageNet-C",
            "OGB-Arxiv",
            "WILDS",
            "Tiny-ImageNet",
            "UCI Regression",
        ],
        "metrics": ["Acc.", "AUROC", "ECE ↓", "NLL ↓", "Robust acc."],
        "keywords": [
            "generalization",
            "optimization",
            "implicit bias",
            "robustness",
            "uncertainty",
            "differential privacy",
            "graph neural networks",
            "flow matching",
        ],
    },
    "rl": {
        "subjects": [
            "Policy Gradients",
            "World Models",
            "Offline Datasets",
            "Shaped Rewards",
            "Diffusion Policies",
            "Value Functions",
            "Multi-Agent Critics",
            "Exploration Bonuses",
            "Skill Libraries",
        ],
        "tasks": [
            "Robotic Manipulation",
            "Sparse-Reward Navigation",
            "Continuous Control",
            "Legged Locomotion",
            "Sim-to-Real Transfer",
            "Cooperative Games",
            "Long-Horizon Planning",
            "Imitation from Video",
        ],
        "benchmarks": ["D4RL", "Atari-100k", "MetaWorld", "DMControl", "Procgen", "RoboSuite"],
        "metrics": ["Return", "Success %", "Normalized score"],
        "keywords": [
            "reinforcement learning",
            "offline RL",
            "world models",
            "exploration",
            "imitation learning",
            "robot learning",
            "planning",
        ],
    },
    "science": {
        "subjects": [
            "Protein Language Models",
            "Equivariant Networks",
            "Neural Operators",
            "Molecular Diffusion",
            "Physics-Informed Networks",
            "Crystal Generators",
            "Single-Cell Foundation Models",
        ],
        "tasks": [
            "Protein Design",
            "Weather Forecasting",
            "Drug Discovery",
            "Partial Differential Equations",
            "Materials Discovery",
            "Ångström-Scale Docking",
            "Gene Expression Prediction",
        ],
        "benchmarks": ["PDBBind", "QM9", "WeatherBench 2", "CATH", "Materials Project", "PDEBench"],
        "metrics": ["RMSE ↓", "Success %", "Spearman", "MAE ↓"],
        "keywords": [
            "proteins",
            "molecules",
            "equivariance",
            "neural operators",
            "climate",
            "materials",
            "scientific discovery",
        ],
    },
    "data": {
        "subjects": [
            "Sequential Recommenders",
            "Knowledge Graph Embeddings",
            "Temporal Graphs",
            "Tabular Transformers",
            "Time-Series Foundation Models",
            "Click Models",
            "Hypergraph Networks",
        ],
        "tasks": [
            "Click-Through Rate Prediction",
            "Anomaly Detection",
            "Traffic Forecasting",
            "Cold-Start Recommendation",
            "Fraud Detection",
            "Knowledge Graph Completion",
            "Multivariate Forecasting",
        ],
        "benchmarks": ["MovieLens-1M", "Amazon-Books", "ETTh1", "FB15k-237", "Criteo", "METR-LA"],
        "metrics": ["NDCG@10", "Recall@20", "MSE ↓", "AUC", "MRR"],
        "keywords": [
            "recommendation",
            "time series",
            "knowledge graphs",
            "tabular data",
            "anomaly detection",
            "AutoML",
            "forecasting",
        ],
    },
}

ADJECTIVES = [
    "Scalable",
    "Efficient",
    "Robust",
    "Provable",
    "Adaptive",
    "Sparse",
    "Hierarchical",
    "Self-Supervised",
    "Training-Free",
    "Lightweight",
    "Calibrated",
    "Compositional",
    "Data-Efficient",
    "Unified",
    "Causal",
    "Contrastive",
    "Faithful",
    "Modular",
    "Principled",
    "Decoupled",
    "Multi-Scale",
]
TECHNIQUES = [
    "Low-Rank Adaptation",
    "Curriculum Sampling",
    "Token Merging",
    "Contrastive Alignment",
    "Implicit Regularization",
    "Test-Time Scaling",
    "Expert Routing",
    "Optimal Transport",
    "Energy-Based Reweighting",
    "Spectral Filtering",
    "Self-Distillation",
    "Gradient Surgery",
    "Latent Planning",
    "Speculative Sampling",
    "Divergence Minimization",
    "Reward Decomposition",
    "Prompt Ensembling",
    "Feature Whitening",
]
PROPERTIES = [
    "Sample Complexity",
    "Implicit Bias",
    "Calibration",
    "Expressivity",
    "Stability",
    "Memorization",
    "Brittleness",
    "Emergence",
    "Geometry",
    "Transferability",
    "Hidden Cost",
    "Limits",
]
VERBS = ["Generalize", "Help", "Fail", "Transfer", "Scale", "Forget", "Collapse", "Memorize"]
LEARNING_VERBS = ["Route", "Forget", "Plan", "Compress", "Retrieve", "Ground", "Rank", "Search", "Abstain"]
GERUNDS = [
    "Scaling",
    "Compressing",
    "Steering",
    "Grounding",
    "Aligning",
    "Distilling",
    "Pruning",
    "Probing",
    "Rethinking",
    "Unifying",
    "Stabilizing",
]

# Method names: a prefix and a core, sometimes a suffix. Lower-case and Greek starts
# exist on the real site too, and they exercise case-insensitive ordering.
NAME_PREFIXES = [
    "Re",
    "Dy",
    "Meta",
    "Hyper",
    "Flex",
    "Omni",
    "Uni",
    "Neo",
    "Proto",
    "Quant",
    "Turbo",
    "Echo",
    "Pan",
    "Deep",
    "Fast",
    "Co",
    "Tri",
    "Poly",
    "Mono",
    "mini",
    "tiny",
    "e",
    "i",
    "k",
    "α",
    "Über",
]
NAME_CORES = [
    "GPT",
    "Mix",
    "Former",
    "KV",
    "Net",
    "Diff",
    "Flow",
    "Bench",
    "Tok",
    "Align",
    "Prune",
    "Graph",
    "Seg",
    "Vox",
    "Gen",
    "Rank",
    "CoT",
    "RAG",
    "Plan",
    "Splat",
    "Cast",
    "Guard",
    "Bridge",
    "Scope",
    "Lens",
]
NAME_SUFFIXES = ["++", "-2", "-Lite", "-XL", "v2", "-R"]

# Title shapes, with relative weights. Fields: name, adj, subject, task, technique,
# property, verb, learn, gerund.
TITLE_TEMPLATES = [
    ("{name}: {adj} {subject} for {task}", 22),
    ("{adj} {subject} via {technique}", 12),
    ("{name}: {gerund} {subject} with {technique}", 10),
    ("Towards {adj} {task}", 5),
    ("Towards {adj} {subject} via {technique}", 3),
    ("On the {property} of {subject}", 5),
    ("On the {property} of {technique} in {task}", 3),
    ("When Does {technique} {verb}?", 3),
    ("When Do {subject} {verb}?", 3),
    ("Rethinking {technique} for {task}", 5),
    ("Beyond {subject}: {adj} {technique} for {task}", 5),
    ("Learning to {learn} for {task}", 3),
    ("Learning to {learn} with {subject}", 2),
    ("A Closer Look at {technique} in {subject}", 5),
    ("Do {subject} Really Need {technique}?", 4),
    ("{subject} Are {adj} Learners of {task}", 3),
    ("{name}: A Benchmark for {task}", 4),
    ("Position: {subject} Should Be Judged on {task}", 2),
    ("Token Ökonomie: {adj} {subject} under a Fixed Budget", 1),
    ("Beyond Naïve {technique}: {adj} {subject} for {task}", 1),
]
# A share of titles is written in sentence case, as many authors do.
SENTENCE_CASE_SHARE = 0.15

CLAIMS = [
    "replaces the usual dense attention with a learned sparse pattern",
    "reuses cached activations across neighbouring steps",
    "splits each problem into a planning stage and an execution stage",
    "filters the training data with a small proxy model before the main run",
    "aligns the two input streams through a shared discrete codebook",
    "adds a lightweight consistency loss between augmented views",
    "trains a verifier on its own mistakes and uses it to rerank samples",
    "learns when to stop computing on easy inputs",
    "treats the hyperparameters as a distribution to be inferred",
    "distils a large teacher into a student a tenth of its size",
    "routes each input to a small subset of specialised modules",
    "recasts the objective as a game between the model and a critic",
    "injects structural priors through a graph over the inputs",
    "estimates uncertainty from the disagreement between several cheap heads",
    "generates synthetic examples aimed at the model's failure cases",
    "replaces backpropagation through time with a local update rule",
    "compresses intermediate states into a handful of learned tokens",
    "reweights training examples by how much they disagree with a reference model",
]
MECHANISMS = [
    "a two-stage curriculum",
    "a learned routing function",
    "an entropy-based stopping rule",
    "a contrastive objective over hard negatives",
    "a low-rank correction to each layer",
    "a memory bank of past gradients",
    "a closed-form update from a quadratic surrogate",
    "a reward model trained on pairwise preferences",
    "small adapters on a frozen backbone",
    "a hierarchy of coarse-to-fine latents",
    "a spectral penalty on the weight matrices",
    "a learned prior over plausible outputs",
]
FINDINGS = [
    "most of the gain comes from the data rather than the architecture",
    "the effect shrinks steadily as models grow",
    "well-tuned simple baselines close most of the reported gap",
    "a single hyperparameter explains most of the variance across runs",
    "errors concentrate on a small set of rare inputs",
    "the benefit appears only after a critical amount of training",
    "standard metrics hide a large drop on the hardest subset",
    "the learned features are far more redundant than assumed",
    "the two objectives conflict early in training and agree later",
]
GAPS = [
    "most methods still assume clean, balanced training data",
    "evaluation rarely matches the conditions a model meets after deployment",
    "the strongest systems are too expensive to run at scale",
    "existing work treats the two stages as separate problems",
    "little is known about why the standard recipe works at all",
    "progress is measured on benchmarks that are close to saturated",
]
COMPONENTS = [
    ("Encoder", "maps each input to a compact set of latent vectors"),
    ("Router", "decides which parts of the model see which inputs"),
    ("Scorer", "rates candidate outputs so that the best can be kept"),
    ("Planner", "breaks the task into short sub-goals"),
    ("Memory", "stores summaries of earlier steps for later reuse"),
    ("Verifier", "checks intermediate results and flags likely errors"),
    ("Sampler", "draws training examples in proportion to their difficulty"),
    ("Adapter", "adds a few trainable parameters to a frozen network"),
    ("Projector", "maps features from one modality into the space of another"),
    ("Critic", "estimates how good a partial solution is"),
]
COMPONENT_DETAILS = [
    "trained jointly with the rest of the model",
    "frozen after a short warm-up phase",
    "shared across layers to save memory",
    "about {share}% of the total parameters",
    "updated once every {steps} steps",
    "initialised from a public checkpoint",
    "dropped entirely at inference time",
]
NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}
DISPLAY_MATH = [
    r"$$\mathcal{L} = \mathcal{L}_{\text{task}} + \lambda \, \mathrm{KL}\left(p_\theta \,\|\, q\right)$$",
    r"$$h_{t+1} = \sigma\left(W h_t + U x_t + b\right)$$",
    r"$$\hat{y} = \arg\max_{y} \; \log p_\theta(y \mid x) - \beta \, c(x, y)$$",
    r"$$w_i = \frac{\exp(s_i / \tau)}{\sum_{j=1}^{n} \exp(s_j / \tau)}$$",
    r"$$\min_\theta \max_{\phi} \; \mathbb{E}_{x \sim \mathcal{D}}"
    r" \left[ f_\phi(x) - f_\phi(g_\theta(x)) \right]$$",
]
HIGHLIGHTS = [
    "The idea fits into an existing training loop in a few lines.",
    "The ablations are unusually thorough and isolate each component.",
    "It needs no extra labelled data.",
    "The same recipe works across model sizes without retuning.",
    "The analysis turns a folk observation into a testable claim.",
    "The released evaluation code makes the numbers easy to check.",
]
LIMITATIONS = [
    "All experiments use models below {size}B parameters, so behaviour at larger scale is open.",
    "The method adds a tuning knob whose best value varies between datasets.",
    "Results on {benchmark} come from a single seed.",
    "The comparison leaves out the most recent baselines.",
    "The extra memory cost grows with the input length.",
    "The theory assumes conditions that real data rarely meets.",
]
FUTURE_WORK = [
    "Extending it to {task} is a natural next step.",
    "Combining it with stronger base models may widen the gap.",
    "A study of failure cases would make the claims sharper.",
    "It would be worth testing whether the gains survive distribution shift.",
]

GIVEN_NAMES = [
    "Wei",
    "Anna",
    "Rahul",
    "Sofia",
    "Kenji",
    "Amara",
    "Lukas",
    "Mei",
    "Diego",
    "Fatima",
    "Oliver",
    "Yuki",
    "Priya",
    "Mateo",
    "Hannah",
    "Jun",
    "Leila",
    "Tomás",
    "Chloé",
    "Søren",
    "Zoë",
    "Ibrahim",
    "Elena",
    "Haruto",
    "Nadia",
    "Pavel",
    "Grace",
    "Arjun",
    "Ines",
    "Jakub",
    "Lin",
    "Marta",
    "Kwame",
    "Sara",
    "Hyun",
    "Ola",
    "Felix",
    "Ana",
    "Ravi",
    "Julia",
]
FAMILY_NAMES = [
    "Zhang",
    "Müller",
    "Patel",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Schmidt",
    "Chen",
    "García",
    "Haddad",
    "Smith",
    "Kim",
    "Nguyen",
    "Kowalski",
    "Silva",
    "Ivanova",
    "Andersen",
    "Dubois",
    "Wang",
    "Singh",
    "Yamamoto",
    "Costa",
    "Novak",
    "Li",
    "Moreau",
    "Hernández",
    "Park",
    "Sato",
    "Öztürk",
    "Liu",
    "Bianchi",
    "Mensah",
    "Nakamura",
    "Jensen",
    "Rao",
    "Fischer",
    "Wu",
    "Alvarez",
    "Petrov",
    "Ahmed",
]
GENERIC_KEYWORDS = [
    "efficiency",
    "benchmark",
    "scaling",
    "theory",
    "ablation study",
    "open source",
    "transformers",
    "self-supervision",
    "robustness",
    "evaluation",
]

# (presentation, weight): most notes have no presentation or are posters.
PRESENTATIONS = [("", 45), ("poster", 35), ("spotlight", 10), ("oral", 5), ("highlight", 5)]
# Ratings lean to the middle and the upper middle, as reviewers' do.
RATING_WEIGHTS = [4, 12, 34, 35, 15]
UNRATED_SHARE = 0.10
NO_AUTHORS_SHARE = 0.08
ARXIV_SHARE = 0.85
CODE_SHARE = 0.60
MATH_SUMMARY_SHARE = 0.15
DISPLAY_MATH_SHARE = 0.4


@dataclass(frozen=True)
class DemoCounts:
    """What `build_demo_site` created."""

    venues: int
    areas: int
    topics: int
    published: int
    drafts: int
    in_review: int
    scheduled: int
    topic_links: int


def build_demo_site(*, papers=3000, seed=0, now=None, progress=None):
    """Fill an empty database with a demo site of `papers` public notes, and more not public.

    `now` dates the scheduled notes (after it); `progress(done, total)` is called
    after each batch of papers.
    """
    now = now or timezone.now()
    # A repeatable demo, not a secret: the seeded generator is the point.
    rng = random.Random(seed)  # noqa: S311
    plan = _status_plan(rng, papers)
    with transaction.atomic():
        venues = _create_venues()
        areas = _create_areas()
        topic_ids = _create_topics()
        topic_names = dict(Topic.objects.values_list("pk", "name"))
        writer = NoteWriter(rng, areas, topic_ids)
        pick_place = _place_picker(rng, venues, areas)
        links = 0
        with (
            indexes_built_after(Paper, Paper.history.model, TaggedPaper, PaperSearch),
            full_text_filled_after(),
        ):
            for start in range(0, len(plan), BATCH_SIZE):
                batch = [writer.paper(kind, *pick_place(), now) for kind in plan[start : start + BATCH_SIZE]]
                Paper.objects.bulk_create([paper for paper, _ in batch])
                links += _link_topics(batch)
                names = {paper: [topic_names[pk] for pk in topic_ids] for paper, topic_ids in batch}
                record_paper_history(names, history_type=CREATED, reason="Demo data", when=now)
                index_papers(names)
                # With DEBUG on, Django keeps the SQL of every query, here megabytes per batch.
                reset_queries()
                if progress:
                    progress(start + len(batch), len(plan))
    return DemoCounts(
        venues=len(venues),
        areas=len(areas),
        topics=len(topic_ids),
        published=papers,
        drafts=plan.count("draft"),
        in_review=plan.count("review"),
        scheduled=plan.count("scheduled"),
        topic_links=links,
    )


def _status_plan(rng, published):
    """The kind of every note to write, in a shuffled order so that all kinds spread evenly."""
    plan = ["published"] * published
    for kind, share in EXTRA_SHARES.items():
        # Rounded up, so that even a small demo shows every state.
        plan += [kind] * math.ceil(published * share)
    rng.shuffle(plan)
    return plan


def _create_venues():
    return bulk_create_with_history(
        [
            Venue(
                name=spec.name,
                slug=spec.name,
                emoji=spec.emoji,
                series=spec.series,
                year=spec.year,
                full_name=spec.full_name,
                url=spec.url,
                position=(index + 1) * 10,
            )
            for index, spec in enumerate(VENUES)
        ],
        Venue,
        default_change_reason="Demo data",
    )


def _create_areas():
    return bulk_create_with_history(
        [
            Area(
                slug=spec.slug,
                emoji=spec.emoji,
                name=spec.name,
                description=spec.description,
                position=(index + 1) * 10,
            )
            for index, spec in enumerate(AREAS)
        ],
        Area,
        default_change_reason="Demo data",
    )


def _create_topics():
    """Create every topic; return their ids, in the order of TOPICS."""
    taken = set()
    topics = []
    for name in TOPICS:
        topic = Topic(name=name)
        topic.slug = _unique_slug(topic.slugify(name), taken)
        topics.append(topic)
    return [topic.pk for topic in bulk_create_with_history(topics, Topic, default_change_reason="Demo data")]


def _place_picker(rng, venues, areas):
    """A function drawing a (venue, area) pair, weighted by their sizes and by how well they fit."""
    pairs, weights = [], []
    for venue, venue_spec in zip(venues, VENUES, strict=True):
        affinity = SERIES_AFFINITY[venue_spec.series]
        for area, area_spec in zip(areas, AREAS, strict=True):
            if area_spec.family in affinity:
                pairs.append((venue, area))
                weights.append(venue_spec.size * area_spec.size * affinity[area_spec.family])
    cumulative = list(accumulate(weights))
    return lambda: pairs[_draw(rng, cumulative)]


def _link_topics(batch):
    """File each paper of `batch` (pairs of a saved paper and its topic ids) under its topics."""
    return insert_rows(
        TaggedPaper,
        (
            TaggedPaper(content_object_id=paper.pk, tag_id=topic_id)
            for paper, topic_ids in batch
            for topic_id in topic_ids
        ),
    )


def _draw(rng, cumulative):
    """An index drawn with the weights whose running totals are `cumulative`.

    The same draw as `rng.choices(..., cum_weights=cumulative)[0]`, without building a
    list each time: it runs several times for every note.
    """
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)


def _unique_slug(base, taken):
    """`base` cut to SLUG_MAX_LENGTH, with -2, -3, … when it is in `taken`; added to `taken`."""
    base = base[:SLUG_MAX_LENGTH].strip("-")
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    taken.add(slug)
    return slug


def _lower_word(word):
    """`word` in lower case unless it is an acronym or has capitals inside (KV, LoRA, 3D)."""
    return "-".join(
        part.lower() if part[:1].isupper() and part[1:].islower() else part for part in word.split("-")
    )


def _lower(phrase):
    """A title-case phrase as it reads inside a sentence."""
    return " ".join(_lower_word(word) for word in phrase.split(" "))


def _sentence_case(title):
    """`title` with only its first word, and the first after a colon, capitalised."""
    words = title.split(" ")
    return " ".join(
        word if index == 0 or words[index - 1].endswith(":") else _lower_word(word)
        for index, word in enumerate(words)
    )


def _capitalize(sentence):
    return sentence[:1].upper() + sentence[1:]


@dataclass(frozen=True)
class Idea:
    """What one paper is about; its title, summary and body all draw on it."""

    name: str
    subject: str
    task: str
    technique: str
    benchmarks: list
    words: dict


class NoteWriter:
    """Writes paper notes one at a time, drawing every choice from `rng`.

    It remembers the titles and slugs taken in each venue, to keep both unique there.
    """

    def __init__(self, rng, areas, topic_ids):
        self.rng = rng
        self.topic_ids = topic_ids
        self.area_words = {}
        self.area_topics = {}
        for area, spec in zip(areas, AREAS, strict=True):
            self.area_words[area.pk] = FAMILY_WORDS[spec.family]
            self.area_topics[area.pk] = [topic_ids[TOPICS.index(name)] for name in spec.topics]
        self.topic_weights = list(
            accumulate(1 / (rank + 1) ** TOPIC_ZIPF_EXPONENT for rank in range(len(topic_ids)))
        )
        self.topic_count_weights = list(accumulate(TOPIC_COUNT_WEIGHTS))
        self.template_weights = list(accumulate(weight for _, weight in TITLE_TEMPLATES))
        self.presentation_weights = list(accumulate(weight for _, weight in PRESENTATIONS))
        self.rating_weights = list(accumulate(RATING_WEIGHTS))
        self.titles_taken = defaultdict(set)
        self.slugs_taken = defaultdict(set)

    def paper(self, kind, venue, area, now):
        """An unsaved note of `kind` (published, draft, review, scheduled), and its topic ids."""
        idea = self.idea(self.area_words[area.pk])
        title = self.title(idea, self.titles_taken[venue.pk])
        paper = Paper(
            venue=venue,
            area=area,
            title=title,
            slug=_unique_slug(slugify(title, allow_unicode=True), self.slugs_taken[venue.pk]),
            summary=self.summary(idea),
            body=self.body(idea),
            authors=self.authors(),
            keywords=self.keywords(idea),
            presentation=PRESENTATIONS[_draw(self.rng, self.presentation_weights)][0],
            status="published" if kind == "scheduled" else kind,
            published_at=self.published_at(kind, now),
            **self.links(idea),
            **self.ratings(),
        )
        return paper, self.topics(self.area_topics[area.pk])

    def idea(self, words):
        rng = self.rng
        return Idea(
            name=self.method_name(),
            subject=rng.choice(words["subjects"]),
            task=rng.choice(words["tasks"]),
            technique=rng.choice(TECHNIQUES),
            benchmarks=rng.sample(words["benchmarks"], 4),
            words=words,
        )

    def method_name(self):
        """A made-up method name: MixFormer-like, or the initials of what it does."""
        rng = self.rng
        if rng.random() < 0.25:
            phrase = f"{rng.choice(TECHNIQUES)} {rng.choice(ADJECTIVES)}"
            return "".join(part[0].upper() for part in phrase.replace("-", " ").split())
        suffix = rng.choice(NAME_SUFFIXES) if rng.random() < 0.2 else ""
        return rng.choice(NAME_PREFIXES) + rng.choice(NAME_CORES) + suffix

    def title(self, idea, taken):
        """A title not yet in `taken` (the venue's titles); added to it."""
        while True:
            title = self.any_title(idea)
            if title not in taken:
                taken.add(title)
                return title

    def any_title(self, idea):
        rng = self.rng
        template = TITLE_TEMPLATES[_draw(rng, self.template_weights)][0]
        title = template.format(
            name=idea.name,
            subject=idea.subject,
            task=idea.task,
            technique=idea.technique,
            adj=rng.choice(ADJECTIVES),
            property=rng.choice(PROPERTIES),
            verb=rng.choice(VERBS),
            learn=rng.choice(LEARNING_VERBS),
            gerund=rng.choice(GERUNDS),
        )
        return _sentence_case(title) if rng.random() < SENTENCE_CASE_SHARE else title

    def summary(self, idea):
        """Two or three sentences: what the paper does, how well, and sometimes why."""
        rng = self.rng
        sentences = [self.summary_claim(idea)]
        sentences.append(self.math_sentence() if rng.random() < MATH_SUMMARY_SHARE else self.outcome(idea))
        if rng.random() < 0.5:
            component = rng.choice(COMPONENTS)[0].lower()
            sentences.append(
                rng.choice(
                    [
                        f"Ablations point to the {component} as the part that matters most.",
                        f"The analysis also suggests that {rng.choice(FINDINGS)}.",
                    ]
                )
            )
        return " ".join(sentences)

    def summary_claim(self, idea):
        rng = self.rng
        name, task, subject = idea.name, _lower(idea.task), _lower(idea.subject)
        claim, mechanism, finding = rng.choice(CLAIMS), rng.choice(MECHANISMS), rng.choice(FINDINGS)
        quality = _lower(rng.choice(PROPERTIES))
        return rng.choice(
            [
                f"This paper proposes {name}, a method that {claim} for {task}.",
                f"{name} {claim}, relying on {mechanism} to keep the cost low.",
                f"The authors study the {quality} of {subject} and show that {finding}.",
                f"The paper introduces {name}, which {claim} by way of {mechanism}.",
                f"Working on {task}, the authors find that {finding}, and build {name} around it.",
            ]
        )

    def outcome(self, idea):
        rng = self.rng
        cost = rng.choice(
            [
                "",
                f" while using {rng.randint(20, 70)}% less compute",
                " at the same training budget",
                " with no extra parameters",
                " with a fraction of the labelled data",
            ]
        )
        first, second = idea.benchmarks[:2]
        return rng.choice(
            [
                f"On {first}, it beats the strongest baseline by {rng.uniform(0.5, 9):.1f} points{cost}.",
                f"Across {rng.randint(3, 12)} benchmarks it matches or beats prior work{cost}.",
                f"Experiments on {first} and {second} show consistent gains{cost}.",
            ]
        )

    def math_sentence(self):
        rng = self.rng
        return rng.choice(
            [
                r"It brings the cost of each step down from quadratic to $\mathcal{O}(n \log n)$ in the "
                "input length.",
                rf"At equal quality it runs \({rng.uniform(1.3, 8):.1f}\times\) faster than the strongest "
                "baseline.",
                r"The analysis gives a regret bound of $\tilde{\mathcal{O}}(\sqrt{T})$, matching the "
                "known lower bound up to log factors.",
                r"The guarantee holds whenever \(d \ll n\), which covers most practical settings.",
                rf"With only \(k = {rng.randint(2, 64)}\) samples per input it reaches the accuracy of "
                "the full model.",
            ]
        )

    def body(self, idea):
        sections = [
            ("Background & Motivation", self.background(idea)),
            ("Method", self.method(idea)),
            ("Key Experimental Results", self.results(idea)),
            ("Highlights & Insights", self.highlights()),
            ("Limitations & Future Work", self.limitations(idea)),
        ]
        return "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections)

    def background(self, idea):
        rng = self.rng
        context = rng.choice(
            [
                f"Recent work on {_lower(idea.subject)} raises average scores but leaves the hard cases "
                "untouched.",
                "Practitioners therefore fall back on heuristics that do not carry over between settings.",
                f"The usual remedy, {_lower(idea.technique)}, helps but adds a cost that grows with scale.",
            ]
        )
        return (
            f"{_capitalize(_lower(idea.task))} has moved quickly, but {rng.choice(GAPS)}. {context} "
            f"{idea.name} starts from the observation that {rng.choice(FINDINGS)}."
        )

    def method(self, idea):
        rng = self.rng
        parts = rng.sample(COMPONENTS, rng.randint(2, 4))
        mechanism = rng.choice(MECHANISMS)
        lines = [f"{idea.name} has {NUMBER_WORDS[len(parts)]} parts, trained together with {mechanism}:", ""]
        for number, (label, description) in enumerate(parts, 1):
            lines.append(f"{number}. **{label}**: {description}.")
            for detail in rng.sample(COMPONENT_DETAILS, rng.randint(1, 2)):
                # Four spaces nest the list under its item in every Markdown dialect.
                lines.append(
                    "    - " + detail.format(share=rng.randint(1, 15), steps=rng.choice([4, 8, 16, 64]))
                )
        text = "\n".join(lines)
        if rng.random() < DISPLAY_MATH_SHARE:
            text += f"\n\nOne objective ties the parts together:\n\n{rng.choice(DISPLAY_MATH)}"
        return text

    def results(self, idea):
        rng = self.rng
        lines = [f"| Benchmark | Metric | Best prior | {idea.name} |", "|---|---|---|---|"]
        for benchmark in idea.benchmarks[: rng.randint(3, 4)]:
            metric = rng.choice(idea.words["metrics"])
            if "↓" in metric:  # lower is better
                prior = rng.uniform(2, 30)
                ours = prior * rng.uniform(0.75, 0.97)
            else:
                prior = rng.uniform(35, 88)
                ours = prior + rng.uniform(0.3, 6)
            lines.append(f"| {benchmark} | {metric} | {prior:.1f} | **{ours:.1f}** |")
        closing = rng.choice(
            [
                f"The largest gain is on {idea.benchmarks[0]}, the hardest set in the comparison.",
                "Gains hold across model sizes, though they narrow for the largest one.",
                "Numbers are averages over three seeds; the spread is below half a point.",
            ]
        )
        return "\n".join(lines) + f"\n\n{closing}"

    def highlights(self):
        return "\n".join(f"- {line}" for line in self.rng.sample(HIGHLIGHTS, self.rng.randint(2, 3)))

    def limitations(self, idea):
        rng = self.rng
        limitation = rng.choice(LIMITATIONS).format(
            size=rng.choice([1, 3, 7, 8, 13, 70]), benchmark=idea.benchmarks[0]
        )
        future = rng.choice(FUTURE_WORK).format(task=_lower(rng.choice(idea.words["tasks"])))
        return f"{limitation} {future}"

    def authors(self):
        rng = self.rng
        if rng.random() < NO_AUTHORS_SHARE:
            return ""
        return ", ".join(
            f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}" for _ in range(rng.randint(2, 7))
        )

    def keywords(self, idea):
        pool = idea.words["keywords"] + GENERIC_KEYWORDS
        return ", ".join(self.rng.sample(pool, self.rng.randint(3, 6)))

    def links(self, idea):
        """arXiv id and paper link for most notes, a code link for many."""
        rng = self.rng
        links = {"arxiv_id": "", "paper_url": "", "code_url": ""}
        if rng.random() < ARXIV_SHARE:
            # A month in the year and a half before DEMO_EPOCH, as arXiv's YYMM prefix.
            year, month = divmod(DEMO_EPOCH.year * 12 + DEMO_EPOCH.month - 2 - rng.randrange(18), 12)
            links["arxiv_id"] = f"{year % 100:02d}{month + 1:02d}.{rng.randrange(1, 20000):05d}"
            links["paper_url"] = f"https://arxiv.org/abs/{links['arxiv_id']}"
        if rng.random() < CODE_SHARE:
            owner = slugify(rng.choice(FAMILY_NAMES)) + rng.choice(["", "-lab", "-group", "ai"])
            links["code_url"] = f"https://github.com/{owner}/{slugify(idea.name)}"
        return links

    def ratings(self):
        rng = self.rng
        if rng.random() < UNRATED_SHARE:
            return {}
        return {name: _draw(rng, self.rating_weights) + 1 for name in RATING_FIELDS}

    def published_at(self, kind, now):
        rng = self.rng
        if kind == "published":
            return DEMO_EPOCH - timedelta(seconds=rng.randrange(int(DEMO_SPAN.total_seconds())))
        if kind == "scheduled":
            return now + timedelta(days=rng.randint(1, 60), minutes=rng.randrange(24 * 60))
        return None

    def topics(self, leaning):
        """0–4 topic ids: half drawn from the area's usual topics, half from the long-tailed whole."""
        rng = self.rng
        count = _draw(rng, self.topic_count_weights)
        picks = [
            rng.choice(leaning) if rng.random() < 0.5 else self.topic_ids[_draw(rng, self.topic_weights)]
            for _ in range(2 * count)
        ]
        # Two draws per place leave room for repeats, which are dropped.
        return list(dict.fromkeys(picks))[:count]
