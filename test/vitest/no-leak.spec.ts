// Run by test/vitest-runner.test.ts through Vitest itself: assertNoLeak in a Vitest suite.
import { expect, test } from "vitest";
import { assertNoLeak } from "../../dist/src/index.js";

class Item {
  constructor(readonly i: number) {}
}
const kept: Item[] = [];

test("a scenario that cleans up passes", async () => {
  const report = await assertNoLeak(() => Array.from({ length: 50 }, (_, i) => new Item(i)).length);
  expect(report.count).toBe(0);
}, 60_000);

test("a scenario that keeps its items fails with the leak report", async () => {
  let n = 0;
  await expect(assertNoLeak(() => void kept.push(new Item(n++)), { iterations: 3 })).rejects.toThrow(/The scenario leaks[\s\S]*Item/);
}, 60_000);
