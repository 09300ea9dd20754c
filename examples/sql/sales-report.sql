-- The sales report of dev.ember.examples.SalesReport, in SQL: the same data, the same two queries, the same
-- answers. Run it with Ember:
--   examples/scripts/submit-local.sh sql
-- Statements end with ';' at the end of a line. A '-- query: <name>' line names the next statement; the runner
-- (dev.ember.examples.SqlScript) prints the answer of each named statement and where it ran.

CREATE OR REPLACE TEMPORARY VIEW sales AS
SELECT id, id % 40 AS store, (id * 7919) % 100000 AS cents, id % 9 + 1 AS quantity
FROM range(0, 240000, 1, 6);

CREATE OR REPLACE TEMPORARY VIEW stores AS
SELECT id AS store_id, id % 8 AS region
FROM range(0, 40, 1, 2);

-- Filter and project, shuffle by store, filter and project again, aggregate per store.
-- query: revenue-by-store
SELECT store, count(net) AS sales, sum(net) AS net_revenue
FROM (
  SELECT store, revenue - 1000 AS net
  FROM (
    SELECT /*+ REPARTITION(4, store) */ store, cents * quantity AS revenue
    FROM sales
    WHERE cents >= 1000
  ) large_sales
  WHERE revenue > 50000
) net_sales
GROUP BY store;

-- Join the filtered sales with a filtered, projected stores table broadcast to every executor.
-- query: revenue-by-region
SELECT /*+ BROADCAST(chosen_stores) */ region, count(revenue) AS sales, sum(revenue) AS revenue
FROM (
  SELECT store, cents * quantity AS revenue
  FROM sales
  WHERE cents < 50000
) small_sales
JOIN (
  SELECT store_id, region + 100 AS region
  FROM stores
  WHERE store_id >= 5
) chosen_stores
ON store = store_id
GROUP BY region;
