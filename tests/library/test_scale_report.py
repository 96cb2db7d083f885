"""reports/scale.md keeps each node's sections when another node is measured (`bench.scale.merged`)."""

from __future__ import annotations

from pilotchain.bench.scale import HEADER, merged

ANVIL = "## Members (on anvil)\n\nanvil figures\n"
GETH = "## Members (on pilot-poa-16410)\n\ngeth figures\n"
GETH_READS = "## Reads (on pilot-poa-16410)\n\ngeth reads\n"


def test_a_network_run_keeps_anvil_sections_first():
    report = merged(HEADER + "\n" + ANVIL, [GETH])
    assert report.index("anvil figures") < report.index("geth figures")


def test_a_run_replaces_only_its_own_node_sections():
    both = merged(merged(HEADER, [ANVIL]), [GETH])
    report = merged(both, [ANVIL.replace("anvil figures", "new anvil")])
    assert "new anvil" in report and "geth figures" in report and "anvil figures" not in report


def test_sections_without_a_node_in_their_heading_are_dropped():
    report = merged(HEADER + "\n## Members\n\nold figures\n", [GETH])
    assert "old figures" not in report and report.startswith(HEADER)


def test_a_run_of_one_section_keeps_the_other_sections_of_its_node():
    report = merged(merged(HEADER, [GETH, GETH_READS]), [GETH.replace("geth figures", "new geth")])
    assert "new geth" in report and "geth reads" in report and "geth figures" not in report
