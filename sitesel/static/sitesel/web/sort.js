/* Sortable ranked tables: a click (or Enter) on a column heading sorts the rows by it, again to reverse.
   Numbers sort by the cell's data-value when it has one (money cells show "$51.2 B" but sort by dollars). */
(function () {
    "use strict";
    document.querySelectorAll("table.sortable").forEach(function (table) {
        var header = table.rows[0];
        Array.prototype.forEach.call(header.cells, function (th, col) {
            if (!th.dataset.sort) { return; }
            th.tabIndex = 0;
            th.setAttribute("role", "button");
            th.setAttribute("aria-sort", "none");
            function sort() {
                var numeric = th.dataset.sort === "num";
                var ascending = th.getAttribute("aria-sort") !== "ascending";
                var rows = Array.prototype.slice.call(table.rows, 1).filter(function (r) { return r.cells.length > col; });
                function key(row) {
                    var cell = row.cells[col];
                    var raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
                    if (!numeric) { return raw.toLowerCase(); }
                    var n = parseFloat(raw.replace(/[^0-9.+-]/g, ""));
                    return isNaN(n) ? Infinity : n;
                }
                rows.sort(function (a, b) {
                    var ka = key(a), kb = key(b);
                    return (ka < kb ? -1 : ka > kb ? 1 : 0) * (ascending ? 1 : -1);
                });
                rows.forEach(function (r) { r.parentNode.appendChild(r); });
                Array.prototype.forEach.call(header.cells, function (other) { if (other.dataset.sort) { other.setAttribute("aria-sort", "none"); } });
                th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            }
            th.addEventListener("click", sort);
            th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
        });
    });
})();
