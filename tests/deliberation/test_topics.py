"""Free-text contributions fall into topics with telling labels and quotes,
and near-duplicates are found."""

from __future__ import annotations

import numpy as np
import pytest

from participai.deliberation.encoder import default_encoder
from participai.deliberation.topics import (
    MAX_LEAVES,
    OTHER_LABEL,
    Topic,
    find_topics,
    near_duplicates,
)

WAITING = [
    "I waited three weeks before the first home-care visit was arranged.",
    "The waiting list for home care is far too long.",
    "My mother waited over a month for someone to come and help her.",
    "People wait too long between asking for help and getting a visit.",
    "The delay before care starts is unacceptable for elderly residents.",
    "Waiting times for an assessment have doubled since last year.",
    "We were told the wait would be two weeks but it took two months.",
    "Nobody should wait weeks for help getting out of bed.",
    "The queue for a care assessment keeps growing.",
    "Shorter waiting times should be the first goal of the new system.",
    "Urgent requests sit in the same long queue as routine ones.",
    "How long will people have to wait once the system is running?",
    "Delays in starting care put people back in hospital.",
]
PRIVACY = [
    "Who will have access to my personal health data?",
    "I do not want my medical records shared with a private company.",
    "The supplier must not sell or reuse residents' data.",
    "Personal information should be encrypted and stored in the EU.",
    "How long will my data be kept after I stop receiving care?",
    "I worry that my data will be used to profile me.",
    "Residents should be able to see and delete the data held about them.",
    "Data protection rules must apply to the software vendor as well.",
    "My private details should never leave the council's servers.",
    "A data breach would expose the health records of vulnerable people.",
    "Consent should be asked before any personal data is processed.",
    "The privacy notice must explain clearly what data is collected.",
    "Keep the data anonymous when it is used to train the model.",
]
OVERSIGHT = [
    "A human coordinator must be able to override the algorithm's schedule.",
    "The AI should not make the final decision about who gets a visit.",
    "Care staff need to be able to change the rota the computer proposes.",
    "A person, not a machine, should decide when a visit is cancelled.",
    "There must be someone accountable when the scheduling algorithm gets it wrong.",
    "Carers should be able to challenge the automated schedule.",
    "Every automatic decision should be reviewed by a member of staff.",
    "Don't let the software decide alone; keep humans in charge.",
    "The system should explain why it assigned a carer to a visit so staff can check it.",
    "Managers must monitor the algorithm's decisions every week.",
    "Residents should be able to ask a human to review a scheduling decision.",
    "Automated scheduling needs human supervision at all times.",
    "Coordinators should keep the last word over the machine's plan.",
]
THEMES = {"waiting": WAITING, "privacy": PRIVACY, "oversight": OVERSIGHT}
THEME_WORDS = {
    "waiting": {"wait", "waiting", "waited", "queue", "delay", "delays", "long"},
    "privacy": {"data", "privacy", "personal", "private", "records"},
    "oversight": {
        "human",
        "humans",
        "algorithm",
        "override",
        "decision",
        "decide",
        "staff",
        "automated",
        "schedule",
        "scheduling",
    },
}
TEXTS = WAITING + PRIVACY + OVERSIGHT
THEME_OF = [theme for theme, texts in THEMES.items() for _ in texts]

OUTLIERS = [
    "The library is closed on Sundays.",
    "Quarterly tax returns are due next week.",
]


@pytest.fixture(scope="module")
def embeddings() -> np.ndarray:
    return default_encoder().encode(TEXTS)


@pytest.fixture(scope="module")
def outlier_embeddings() -> np.ndarray:
    return default_encoder().encode(OUTLIERS)


def unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_three_themes_are_found_with_their_members(embeddings):
    topics = find_topics(TEXTS, embeddings)

    assert len(topics) == 3
    assert not any(topic.is_other for topic in topics)
    misplaced = 0
    themes_found = set()
    for topic in topics:
        themes = [THEME_OF[index] for index in topic.members]
        majority = max(set(themes), key=themes.count)
        themes_found.add(majority)
        misplaced += len(themes) - themes.count(majority)
    assert themes_found == set(THEMES)
    assert misplaced <= 1


def test_labels_name_the_theme(embeddings):
    for topic in find_topics(TEXTS, embeddings):
        themes = [THEME_OF[index] for index in topic.members]
        theme = max(set(themes), key=themes.count)
        label_words = set(topic.label.split(", "))
        assert label_words & THEME_WORDS[theme], (theme, topic.label)
        assert topic.label.split(", ") == list(topic.keywords[:3])


def test_quotes_are_distinct_members_closest_to_the_centroid(embeddings):
    vectors = unit(embeddings)
    for topic in find_topics(TEXTS, embeddings):
        members = np.array(topic.members)
        centroid = vectors[members].mean(axis=0)
        nearest = members[np.argsort(-(vectors[members] @ centroid))[:3]]

        assert len(topic.quotes) == 3
        assert set(topic.quote_indices) <= set(topic.members)
        assert topic.quotes == tuple(TEXTS[index] for index in topic.quote_indices)
        assert list(topic.quote_indices) == list(nearest)


def test_every_text_is_in_exactly_one_topic(embeddings, outlier_embeddings):
    texts = TEXTS + OUTLIERS
    topics = find_topics(texts, np.vstack([embeddings, outlier_embeddings]))

    members = [index for topic in topics for index in topic.members]
    assert sorted(members) == list(range(len(texts)))
    for topic in topics:
        assert topic.count == len(topic.members)
        assert list(topic.members) == sorted(topic.members)


def test_small_clusters_fall_into_other_listed_last(embeddings, outlier_embeddings):
    texts = TEXTS + OUTLIERS
    topics = find_topics(texts, np.vstack([embeddings, outlier_embeddings]))

    other = topics[-1]
    assert other.is_other
    assert other.label == OTHER_LABEL
    assert set(other.members) >= {len(TEXTS), len(TEXTS) + 1}
    assert not any(topic.is_other for topic in topics[:-1])
    counts = [topic.count for topic in topics[:-1]]
    assert counts == sorted(counts, reverse=True)


def test_same_seed_gives_the_same_topics(embeddings):
    assert find_topics(TEXTS, embeddings, seed=7) == find_topics(TEXTS, embeddings, seed=7)


def test_n_topics_fixes_the_number_of_clusters(embeddings):
    topics = find_topics(TEXTS, embeddings, n_topics=2)

    assert len(topics) == 2
    assert sum(topic.count for topic in topics) == len(TEXTS)


def test_max_topics_caps_the_number_of_topics(embeddings):
    topics = find_topics(TEXTS, embeddings, max_topics=2)

    assert len([topic for topic in topics if not topic.is_other]) == 2


def test_a_strict_similarity_leaves_only_other(embeddings):
    topics = find_topics(TEXTS, embeddings, min_similarity=0.99)

    assert len(topics) == 1
    assert topics[0].is_other
    assert topics[0].count == len(TEXTS)


def test_no_texts_give_no_topics():
    assert find_topics([], np.zeros((0, 384), dtype=np.float32)) == []


def test_one_text_is_a_single_other_topic():
    text = "The waiting list is too long."
    vectors = default_encoder().encode([text])

    assert find_topics([text], vectors) == [
        Topic(
            label=OTHER_LABEL,
            keywords=("list", "long", "waiting"),
            count=1,
            members=(0,),
            quotes=(text,),
            quote_indices=(0,),
            is_other=True,
        )
    ]


def test_topic_without_keywords_is_labelled_by_its_quote():
    texts = ["And  the", "and the", "but then"]
    vectors = np.ones((3, 4), dtype=np.float32)

    (topic,) = find_topics(texts, vectors)

    assert topic.keywords == ()
    assert topic.label == "And the"
    # Case and spacing aside, the three texts are two: no repeated quote.
    assert topic.quotes == ("And  the", "but then")


def planted_clusters(
    rng: np.random.Generator, sizes: list[int], dim: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    centres = unit(rng.normal(size=(len(sizes), dim)))
    labels = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(labels)
    vectors = centres[labels] + rng.normal(scale=0.08, size=(len(labels), dim))
    return vectors.astype(np.float32), labels


def test_many_texts_go_through_leaves_and_keep_planted_clusters():
    rng = np.random.default_rng(3)
    vectors, labels = planted_clusters(rng, [150, 120, 100, 80, 60, 40])
    assert len(labels) > MAX_LEAVES
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    texts = [f"comment about {names[label]}" for label in labels]

    topics = find_topics(texts, vectors, seed=1)

    assert [topic.count for topic in topics] == [150, 120, 100, 80, 60, 40]
    for topic in topics:
        (label,) = {labels[index] for index in topic.members}
        assert topic.keywords[0] == names[label]
    assert find_topics(texts, vectors, seed=1) == topics


def test_many_repeated_texts_do_not_break_the_leaves():
    rng = np.random.default_rng(4)
    distinct, _ = planted_clusters(rng, [1] * 5)
    vectors = np.repeat(distinct, 60, axis=0)
    texts = [f"text {index // 60}" for index in range(len(vectors))]

    topics = find_topics(texts, vectors, min_similarity=0.9)

    assert sorted(topic.count for topic in topics) == [60] * 5
    assert all(len(topic.quotes) == 1 for topic in topics)


@pytest.mark.parametrize(
    ("texts", "vectors", "message"),
    [
        (["a", "b"], np.zeros((3, 4)), "3 rows but there are 2 texts"),
        (["a"], np.zeros(4), "2-D"),
        (["a"], [[0.1, 0.2]], "2-D numpy array"),
        (["a"], np.array([[np.nan, 1.0]]), "finite"),
        (["a"], np.array([["x", "y"]]), "real numbers"),
        ("a", np.zeros((1, 4)), "not a single string"),
        ([b"a"], np.zeros((1, 4)), r"texts\[0\] is bytes"),
    ],
)
def test_bad_input_is_refused(texts, vectors, message):
    with pytest.raises(ValueError, match=message):
        find_topics(texts, vectors)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"min_similarity": 1.5}, "min_similarity"),
        ({"n_topics": 0}, "n_topics"),
        ({"max_topics": 0}, "max_topics"),
        ({"min_topic_size": 0}, "min_topic_size"),
        ({"n_quotes": 0}, "n_quotes"),
    ],
)
def test_bad_options_are_refused(embeddings, option, message):
    with pytest.raises(ValueError, match=message):
        find_topics(TEXTS, embeddings, **option)


# Close rewordings of three of the texts above, appended after them.
PLANTED = {
    1: "The waiting list for home-care is far too long!",
    13: "Who can access my personal health data?",
    26: "A human coordinator should be able to override the algorithm's schedule.",
}


@pytest.fixture(scope="module")
def with_duplicates(embeddings) -> np.ndarray:
    return np.vstack([embeddings, default_encoder().encode(list(PLANTED.values()))])


def test_near_duplicates_finds_the_planted_pairs_only(with_duplicates):
    expected = {(original, len(TEXTS) + position) for position, original in enumerate(PLANTED)}

    pairs = near_duplicates(with_duplicates)

    assert {(i, j) for i, j, _ in pairs} == expected
    for i, j, similarity in pairs:
        assert i < j
        assert 0.9 <= similarity <= 1.0
        assert similarity == pytest.approx(float(with_duplicates[i] @ with_duplicates[j]))
    similarities = [similarity for _, _, similarity in pairs]
    assert similarities == sorted(similarities, reverse=True)


def test_near_duplicates_threshold_selects_pairs(with_duplicates):
    loose = near_duplicates(with_duplicates, threshold=0.9)
    strict_threshold = (loose[0][2] + loose[-1][2]) / 2

    strict = near_duplicates(with_duplicates, threshold=strict_threshold)

    assert strict == [pair for pair in loose if pair[2] >= strict_threshold]
    assert 0 < len(strict) < len(loose)


@pytest.mark.parametrize("block_size", [1, 5, 17, 4096])
def test_near_duplicates_do_not_depend_on_blocks(with_duplicates, block_size):
    expected = near_duplicates(with_duplicates)

    assert near_duplicates(with_duplicates, block_size=block_size) == expected


def test_near_duplicates_of_nothing_or_one_row():
    assert near_duplicates(np.zeros((0, 8))) == []
    assert near_duplicates(np.ones((1, 8))) == []


@pytest.mark.parametrize(
    ("vectors", "options", "message"),
    [
        (np.ones((2, 3)), {"threshold": 0}, "threshold"),
        (np.ones((2, 3)), {"threshold": 1.2}, "threshold"),
        (np.ones((2, 3)), {"block_size": 0}, "block_size"),
        (np.ones(3), {}, "2-D"),
        (np.array([[np.inf, 0.0]]), {}, "finite"),
    ],
)
def test_near_duplicates_refuses_bad_input(vectors, options, message):
    with pytest.raises(ValueError, match=message):
        near_duplicates(vectors, **options)
