// The page shape: React rendering a large list (10,000 rows, each a few elements
// with its own data and handler) into the document, synchronously, then idle.
import { useState } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";

const rows = Array.from({ length: 10000 }, (_, i) => ({ id: i, name: `row ${i}`, price: (i * 37) % 1000, tags: [`t${i % 10}`, `g${i % 7}`] }));

function Row({ row, selected, onSelect }) {
  return (
    <li className={selected ? "selected" : "row"} onClick={() => onSelect(row.id)}>
      <span>{row.name}</span> <span>{row.price}</span>
      {row.tags.map((t) => (
        <em key={t}>{t}</em>
      ))}
    </li>
  );
}

function List() {
  const [selected, setSelected] = useState(-1);
  return <ul>{rows.map((r) => <Row key={r.id} row={r} selected={r.id === selected} onSelect={setSelected} />)}</ul>;
}

const container = document.createElement("div");
document.body.appendChild(container);
flushSync(() => createRoot(container).render(<List />));
