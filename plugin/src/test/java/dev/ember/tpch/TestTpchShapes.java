package dev.ember.tpch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queries of the shapes of TPC-H Q1, Q3, Q4, Q13, Q16, Q18, Q21 and Q22 over tiny seeded tables: Ember's
 * answer must match Spark's and the Ember aggregation, join and sort nodes must be in the executed plan.
 */
class TestTpchShapes {

    @BeforeAll
    static void createTables() {
        TpchTables.register(SharedSpark.session(), Long.getLong("ember.test.seed", 20260101L));
    }

    private static void assertJoined(EmberQueryCheck check) {
        assertHasRows(check);
        if (check.acceptedMemoryError()) {
            return;
        }
        assertTrue(check.report().emberNodes().contains("EmberBroadcastHashJoinExec")
                || check.report().emberNodes().contains("EmberShuffledHashJoinExec"),
                () -> "no Ember join ran: " + check.report());
    }

    /** An empty answer would compare equal without exercising much: the data must give each shape rows. */
    private static void assertHasRows(EmberQueryCheck check) {
        assertTrue(!check.spark().rows().isEmpty(), "the query returned no rows; the test data needs adjusting");
    }

    @Test
    void q1WideAggregation() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty,"
                + " sum(l_extendedprice) AS sum_base_price, sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,"
                + " sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, avg(l_quantity) AS avg_qty,"
                + " avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order"
                + " FROM lineitem WHERE l_shipdate <= date '1998-09-02'"
                + " GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberSortExec");
        assertHasRows(check);
    }

    @Test
    void q3JoinAggregateTopN() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT l_orderkey,"
                + " sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_orderpriority"
                + " FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey"
                + " AND l_orderkey = o_orderkey AND o_orderdate < date '1995-03-15' AND l_shipdate > date '1995-03-15'"
                + " GROUP BY l_orderkey, o_orderdate, o_orderpriority ORDER BY revenue DESC, o_orderdate, l_orderkey"
                + " LIMIT 10")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberTopNExec");
        assertJoined(check);
    }

    @Test
    void q4SemiJoin() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT o_orderpriority, count(*) AS order_count"
                + " FROM orders WHERE o_orderdate >= date '1993-07-01' AND o_orderdate < date '1995-10-01'"
                + " AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate)"
                + " GROUP BY o_orderpriority ORDER BY o_orderpriority")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberSortExec");
        assertJoined(check);
    }

    @Test
    void q13OuterJoinAggregateOfAggregate() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT c_count, count(*) AS custdist FROM ("
                + " SELECT c_custkey, count(o_orderkey) AS c_count FROM customer LEFT OUTER JOIN orders"
                + " ON c_custkey = o_custkey AND o_comment NOT LIKE '%special%requests%' GROUP BY c_custkey) c_orders"
                + " GROUP BY c_count ORDER BY custdist DESC, c_count DESC")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberSortExec");
        assertJoined(check);
    }

    @Test
    void q16AntiJoinCountDistinct() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT p_brand, p_type, p_size,"
                + " count(DISTINCT ps_suppkey) AS supplier_cnt FROM partsupp, part WHERE p_partkey = ps_partkey"
                + " AND p_brand <> 'Brand#45' AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9, 1, 2, 5, 7, 10)"
                + " AND ps_suppkey NOT IN (SELECT s_suppkey FROM supplier WHERE s_comment LIKE '%Customer%Complaints%')"
                + " GROUP BY p_brand, p_type, p_size ORDER BY supplier_cnt DESC, p_brand, p_type, p_size")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberSortExec");
        assertJoined(check);
    }

    @Test
    void q18InSubqueryHighCardinalityGroupBy() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT c_name, c_custkey, o_orderkey, o_orderdate,"
                + " o_totalprice, sum(l_quantity) FROM customer, orders, lineitem WHERE o_orderkey IN ("
                + " SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 150)"
                + " AND c_custkey = o_custkey AND o_orderkey = l_orderkey"
                + " GROUP BY c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice"
                + " ORDER BY o_totalprice DESC, o_orderdate, o_orderkey LIMIT 100")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberTopNExec");
        assertJoined(check);
    }

    @Test
    void q21SemiAndAntiJoinsWithNotEqualCondition() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT s_name, count(*) AS numwait"
                + " FROM supplier, lineitem l1, orders, nation WHERE s_suppkey = l1.l_suppkey"
                + " AND o_orderkey = l1.l_orderkey AND o_orderstatus = 'F' AND l1.l_receiptdate > l1.l_commitdate"
                + " AND EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = l1.l_orderkey"
                + " AND l2.l_suppkey <> l1.l_suppkey)"
                + " AND NOT EXISTS (SELECT * FROM lineitem l3 WHERE l3.l_orderkey = l1.l_orderkey"
                + " AND l3.l_suppkey <> l1.l_suppkey AND l3.l_receiptdate > l3.l_commitdate)"
                + " AND s_nationkey = n_nationkey GROUP BY s_name ORDER BY numwait DESC, s_name LIMIT 100")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberTopNExec");
        assertJoined(check);
    }

    @Test
    void q22SubstringAntiJoinScalarSubquery() {
        EmberQueryCheck check = EmberQueryCheck.orderedSql("SELECT cntrycode, count(*) AS numcust,"
                + " sum(c_acctbal) AS totacctbal FROM (SELECT substring(c_phone, 1, 2) AS cntrycode, c_acctbal"
                + " FROM customer WHERE substring(c_phone, 1, 2) IN ('13', '31', '23', '29', '20', '18', '17')"
                + " AND c_acctbal > (SELECT avg(c_acctbal) FROM customer WHERE c_acctbal > 0.00"
                + " AND substring(c_phone, 1, 2) IN ('13', '31', '23', '29', '20', '18', '17'))"
                + " AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)) custsale"
                + " GROUP BY cntrycode ORDER BY cntrycode")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberSortExec");
        assertJoined(check);
    }
}
