import { test } from "node:test";
import assert from "node:assert/strict";
import { renderPartition, type PartitionRow } from "../src/heapy/render/partition-table.js";

const rows = (n: number): PartitionRow[] => Array.from({ length: n }, (_, i) => ({ kind: `kind${i}`, count: n - i, size: (n - i) * 100 }));

test("Heapy's layout: label, header, fixed-width rows, cumulative column", () => {
  const text = renderPartition(
    [
      { kind: "str", count: 10234, size: 902960 },
      { kind: "tuple", count: 8964, size: 727944 },
      { kind: "dict of Foo", count: 1, size: 8 },
    ],
    "Kind (class / dict of class)",
  );
  assert.equal(
    text,
    [
      "Partition of a set of 19199 objects. Total size = 1630912 bytes.",
      " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)",
      "     0  10234  53   902960  55    902960  55 str",
      "     1   8964  47   727944  45   1630904 100 tuple",
      "     2      1   0        8   0   1630912 100 dict of Foo",
    ].join("\n"),
  );
});

test("ten rows, then how many more; a single remaining row is shown instead", () => {
  const twelve = renderPartition(rows(12), "Kind").split("\n");
  assert.equal(twelve.length, 2 + 10 + 1);
  assert.equal(twelve[12], "<2 more rows. Type e.g. '_.more' to view.>");
  const eleven = renderPartition(rows(11), "Kind").split("\n");
  assert.equal(eleven.length, 2 + 11);
  assert.equal(eleven[12], "    10      1   2      100   2      6600 100 kind10");
});

test("percentages round half to even, as Python's %.0f does", () => {
  const text = renderPartition(
    [
      { kind: "a", count: 1, size: 5 },
      { kind: "b", count: 7, size: 195 },
    ],
    "K",
  ).split("\n");
  // 5/200 = 2.5% -> 2; 1/8 = 12.5% -> 12; 7/8 = 87.5% -> 88
  assert.equal(text[2], "     0      1  12        5   2         5   2 a");
  assert.equal(text[3], "     1      7  88      195  98       200 100 b");
});

test("an empty set has only its label; one object is singular", () => {
  assert.equal(renderPartition([], "Kind"), "Partition of a set of 0 objects. Total size = 0 bytes.");
  assert.match(renderPartition([{ kind: "x", count: 1, size: 3 }], "Kind"), /^Partition of a set of 1 object\. Total size = 3 bytes\./);
});

test("start pages on from a row, keeping the cumulative sizes", () => {
  const text = renderPartition(rows(25), "Kind", { start: 10 }).split("\n");
  assert.equal(text[0], " Index  Count   %     Size   % Cumulative  % Kind");
  assert.equal(text[1], "    10     15   5     1500   5     22000  68 kind10");
  assert.equal(text[11], "<5 more rows. Type e.g. '_.more' to view.>");
});
