"""Deliberation maths: opinion groups in a conversation of short statements, as Pol.is finds them.

Participants agree, disagree or pass on short statements; this package turns
that participant x statement vote matrix into what a conversation report shows:
a two-dimensional map of opinions, opinion groups that stay put between
updates, the statements that set each group apart, the statements most people
share, and the order in which statements are put to the next voter.

Pure numpy, scipy.sparse and scikit-learn: nothing here imports Django, so the
platform's background task and the ``participai deliberation`` command run the
same code, and it can be tested and benchmarked on its own.

Modules for opinion groups (other modules here, such as the topic
clustering of free-text contributions, describe themselves):

- ``votes``: :class:`~participai.deliberation.votes.VoteMatrix`, the sparse
  vote matrix, built from (participant, statement, vote) triples.
- ``polis_csv``: readers for Pol.is exports (``votes.csv``, ``comments.csv``).
- ``groups``: who is clustered, the projection, base clusters and opinion
  groups (:func:`~participai.deliberation.groups.compute_groups`), with the
  state that keeps groups stable from one update to the next.
- ``statements``: representative and consensus statements, group-informed
  consensus, where groups differ, and statement priority.
- ``analysis``: everything above in one call, for the platform and the command.
- ``report``: a plain-text report of an analysis.
"""
