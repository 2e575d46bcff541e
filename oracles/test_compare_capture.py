#!/usr/bin/env python3
"""Tests of the capture comparison itself: one planted difference of each kind is reported.

    python3 oracles/test_compare_capture.py
"""

import sys
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare_capture  # noqa: E402

BOARD = """<nvidia_smi_log><attached_gpus>1</attached_gpus><gpu id="00000000:01:00.0">
<product_name>NVIDIA L40S</product_name>
<fb_memory_usage><total>46068 MiB</total><used>0 MiB</used></fb_memory_usage>
<temperature><gpu_temp>29 C</gpu_temp><gpu_temp_max_mem_threshold>95 C</gpu_temp_max_mem_threshold></temperature>
<ecc_errors><volatile><sram_correctable>0</sram_correctable></volatile></ecc_errors>
<remapped_rows><remapped_row_corr>0</remapped_row_corr><remapped_row_unc>0</remapped_row_unc></remapped_rows>
<serial>1650000000001</serial>
</gpu></nvidia_smi_log>"""


def differences(mock_text, capture_text=BOARD):
    facts, *_ = compare_capture.compare(ET.fromstring(mock_text), ET.fromstring(capture_text))
    return {path: diffs for path, (_, diffs) in facts.items() if diffs}


class PlantedDifferences(unittest.TestCase):
    def test_the_same_board_has_none(self):
        self.assertEqual(differences(BOARD), {})

    def test_a_value(self):
        mock = BOARD.replace("<total>46068 MiB</total>", "<total>46000 MiB</total>")
        self.assertEqual(list(differences(mock)), ["fb_memory_usage/total"])

    def test_the_memory_threshold_is_a_value(self):
        mock = BOARD.replace("95 C</gpu_temp_max_mem", "85 C</gpu_temp_max_mem")
        self.assertEqual(list(differences(mock)), ["temperature/gpu_temp_max_mem_threshold"])

    def test_an_na(self):
        mock = BOARD.replace("<sram_correctable>0<", "<sram_correctable>N/A<")
        self.assertEqual(list(differences(mock)), ["ecc_errors/volatile/sram_correctable"])

    def test_a_reading_is_not_a_fact(self):
        mock = BOARD.replace("<gpu_temp>29 C<", "<gpu_temp>31 C<")
        self.assertEqual(differences(mock), {})

    def test_a_single_value_against_sub_elements(self):
        start, end = BOARD.index("<remapped_rows>"), BOARD.index("</remapped_rows>")
        mock = BOARD[:start] + "<remapped_rows>N/A" + BOARD[end:]
        self.assertEqual(list(differences(mock)), ["remapped_rows"])
        self.assertEqual(list(differences(BOARD, mock)), ["remapped_rows"])

    def test_identifiers_are_not_compared(self):
        mock = BOARD.replace("1650000000001", "1650000000002")
        self.assertEqual(differences(mock), {})


if __name__ == "__main__":
    unittest.main()
