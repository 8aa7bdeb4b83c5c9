"""The numpy sentence encoder reproduces all-MiniLM-L6-v2 as
sentence-transformers runs it, refuses a model file that is not the pinned
one, and behaves as an embedding should: unit vectors, paraphrases close,
results independent of batching."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from participai.deliberation.encoder import (
    EMBEDDING_DIM,
    MODEL_SHA256,
    ModelIntegrityError,
    SentenceEncoder,
    default_encoder,
    default_model_dir,
    file_sha256,
)

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return default_encoder()


def test_matches_sentence_transformers_reference(encoder):
    reference = json.loads(REFERENCE.read_text())
    expected = np.array(reference["embeddings"], dtype=np.float32)
    # The set covers English, Spanish, Catalan, blank texts and one text past
    # max_seq_length, so truncation is compared too.
    assert max(reference["token_counts_untruncated"]) > encoder.max_seq_length
    assert "" in reference["sentences"]

    actual = encoder.encode(reference["sentences"])

    assert actual.shape == expected.shape
    cosines = np.sum(actual * expected, axis=1) / (
        np.linalg.norm(actual, axis=1) * np.linalg.norm(expected, axis=1)
    )
    assert cosines.min() > 0.9999
    assert np.abs(actual - expected).max() < 1e-4


def test_output_is_float32_unit_rows(encoder):
    vectors = encoder.encode(["Short.", "A somewhat longer sentence about home care.", "  "])

    assert vectors.dtype == np.float32
    assert vectors.shape == (3, EMBEDDING_DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_list_gives_empty_matrix(encoder):
    vectors = encoder.encode([])

    assert vectors.shape == (0, EMBEDDING_DIM)
    assert vectors.dtype == np.float32


@pytest.mark.parametrize(
    ("sentence", "paraphrase"),
    [
        (
            "Waiting times for home care are far too long.",
            "People wait much too long before home care starts.",
        ),
        (
            "Who will be able to see my medical records?",
            "Who gets access to my health data?",
        ),
        (
            "A person must be able to overrule the scheduling algorithm.",
            "Staff should be allowed to override the computer's rota.",
        ),
    ],
)
def test_paraphrases_are_closer_than_unrelated_sentences(encoder, sentence, paraphrase):
    unrelated = [
        "The library is closed on Sundays.",
        "I enjoy painting landscapes in the summer.",
        "Quarterly tax returns are due next week.",
    ]
    vectors = encoder.encode([sentence, paraphrase, *unrelated])
    similarity = vectors @ vectors[0]

    assert similarity[1] > similarity[2:].max() + 0.2


def test_result_does_not_depend_on_order_or_batching(encoder):
    texts = [
        "Short.",
        "A sentence of middling length about the home-care rota.",
        "Els temps d'espera per a l'atenció domiciliària són massa llargs.",
        "",
        "Who decides which carer visits which resident, and on what grounds?",
        "Los datos personales deben quedarse en servidores del ayuntamiento.",
        "Yes.",
    ]

    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    reversed_small_batches = encoder.encode(texts[::-1], batch_size=2)[::-1]

    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together, reversed_small_batches, atol=1e-5)


def test_texts_are_truncated_at_max_seq_length(encoder):
    long_text = " ".join(f"resident{index} asked about visits" for index in range(100))
    # The tokenizer truncates, keeping what it cut as overflow.
    assert encoder.tokenizer.encode(long_text).overflowing

    vectors = encoder.encode([long_text, long_text + " and then about something else entirely"])

    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("one string", "not a single string"),
        (["fine", 3], r"texts\[1\] is int"),
        ([None], r"texts\[0\] is NoneType"),
    ],
)
def test_bad_texts_are_refused(encoder, texts, message):
    with pytest.raises(ValueError, match=message):
        encoder.encode(texts)


def test_batch_size_must_be_positive(encoder):
    with pytest.raises(ValueError, match="batch_size"):
        encoder.encode(["text"], batch_size=0)


def test_default_encoder_is_loaded_once():
    assert default_encoder() is default_encoder()


def test_pinned_digest_is_that_of_the_bundled_model():
    weights = default_model_dir() / "model.safetensors"

    assert file_sha256(weights) == MODEL_SHA256


def test_file_digest_is_read_in_chunks_correctly(tmp_path):
    # Longer than one 1 MiB chunk and not a multiple of it.
    data = np.random.default_rng(0).bytes((5 << 19) + 7)
    path = tmp_path / "blob"
    path.write_bytes(data)

    assert file_sha256(path) == hashlib.sha256(data).hexdigest()


def test_tampered_model_file_is_refused(tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(default_model_dir(), model_dir)
    # The untouched copy loads: the refusal below is due to the change alone.
    SentenceEncoder(model_dir=model_dir)

    weights = model_dir / "model.safetensors"
    with open(weights, "r+b") as stream:
        stream.seek(weights.stat().st_size // 2)
        byte = stream.read(1)
        stream.seek(-1, 1)
        stream.write(bytes([byte[0] ^ 0xFF]))
    tampered_digest = hashlib.sha256(weights.read_bytes()).hexdigest()

    with pytest.raises(ModelIntegrityError) as error:
        SentenceEncoder(model_dir=model_dir)

    message = str(error.value)
    assert str(weights) in message
    assert MODEL_SHA256 in message
    assert tampered_digest in message
    assert isinstance(error.value, ValueError)
