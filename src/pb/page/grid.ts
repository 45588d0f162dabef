/**
 * Keyboard navigation in the page's grids, as in DevTools': ↑/↓ move the selection
 * between rows, Enter opens (or expands) the selected row, → expands and ← folds a tree
 * row. Rows are `tr[tabindex]` inside `table.grid`; a row does what it does on click
 * (`data-open`), and tree rows expand by their toggle button.
 */
export function installGridKeys(root: HTMLElement, onBack: () => void): void {
  root.addEventListener("keydown", (ev) => {
    const target = ev.target as HTMLElement;
    if (target.closest("input, select, textarea") !== null) return;
    if (ev.key === "Backspace") {
      ev.preventDefault();
      onBack();
      return;
    }
    const row = target.closest<HTMLTableRowElement>("table.grid tr[tabindex]");
    if (row === null) return;
    const rows = [...row.closest("table")!.querySelectorAll<HTMLTableRowElement>("tbody tr[tabindex]")].filter((r) => !r.hidden);
    const at = rows.indexOf(row);
    const toggle = row.querySelector<HTMLButtonElement>("button.toggle");
    const move = (i: number): void => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (next === undefined) return;
      rows.forEach((r) => r.setAttribute("aria-selected", String(r === next)));
      next.focus();
    };
    switch (ev.key) {
      case "ArrowDown":
        move(at + 1);
        break;
      case "ArrowUp":
        move(at - 1);
        break;
      case "ArrowRight":
        if (toggle !== null && toggle.getAttribute("aria-expanded") === "false") toggle.click();
        break;
      case "ArrowLeft":
        if (toggle !== null && toggle.getAttribute("aria-expanded") === "true") toggle.click();
        break;
      case "Enter":
        if (toggle !== null) toggle.click();
        else row.click();
        break;
      default:
        return;
    }
    ev.preventDefault();
  });
}
