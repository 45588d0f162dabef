import { test } from "node:test";
import assert from "node:assert/strict";
import { Pending } from "../src/pending.js";

test("pending replies: settled by id, expired by deadline, failed together, late replies ignored", async () => {
  const p = new Pending<string>();
  const a = p.open(1000, () => new Error("a expired"));
  const b = p.open(10, () => new Error("b expired"));
  const c = p.open(1000, () => new Error("c expired"));
  assert.notEqual(a.id, b.id);
  p.settle(a.id, { value: "done" });
  assert.equal(await a.reply, "done");
  await assert.rejects(b.reply, /b expired/);
  p.settle(b.id, { value: "too late" });
  assert.equal(p.size, 1);
  p.failAll(new Error("closed"));
  await assert.rejects(c.reply, /closed/);
  assert.equal(p.size, 0);
});
