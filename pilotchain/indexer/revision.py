"""`python -m pilotchain.indexer.revision "what changed"`: write the next Alembic migration, the
difference between pilotchain/indexer/schema.py and the latest revision."""

import sys

from pilotchain.indexer.store import new_revision

if __name__ == "__main__":
    new_revision(" ".join(sys.argv[1:]) or "schema change")
