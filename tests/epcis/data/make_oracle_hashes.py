"""Regenerate oracle_hashes.json with GS1's exemplary Event Hash ID generator (test oracle only).

Run it with a separate virtualenv that has `epcis-event-hash-generator==1.9.3` (never the project's):
    python -m venv .cache-oracle/venv && .cache-oracle/venv/bin/pip install epcis-event-hash-generator==1.9.3
    .cache-oracle/venv/bin/python tests/epcis/data/make_oracle_hashes.py
"""

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "data" / "epcis-examples"


# One process per document: the oracle keeps the prefixes it has seen in a module-level dict, so
# a document hashed after another would see that other document's prefixes.
_ONE = """
import json, sys
from epcis_event_hash_generator.__main__ import epcis_hash_from_file
try:
    hashes, prehashes = epcis_hash_from_file(sys.argv[1], "sha256", "")
    events = len(json.load(open(sys.argv[1]))["epcisBody"]["eventList"])
    if len(hashes) != events:
        raise RuntimeError(f"hashed {len(hashes)} of {events} events (the others raised inside the tool)")
    print(json.dumps({"hashes": hashes, "prehashes": prehashes}))
except Exception as exc:  # the oracle crashes on some documents: record how
    print(json.dumps({"crash": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}))
"""


def main() -> None:
    documents = {}
    for path in sorted(EXAMPLES.glob("*.jsonld")):
        out = subprocess.run([sys.executable, "-c", _ONE, str(path)], capture_output=True, text=True,
                             check=True)
        documents[path.name] = json.loads(out.stdout)
    result = {
        "tool": f"epcis-event-hash-generator {version('epcis-event-hash-generator')} (PyPI)",
        "note": "hashes and pre-hash strings as the oracle computes them for tests/data/epcis-examples;"
                " regenerate with tests/epcis/data/make_oracle_hashes.py",
        "documents": documents,
    }
    (HERE / "oracle_hashes.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
