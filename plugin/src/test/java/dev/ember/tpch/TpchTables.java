package dev.ember.tpch;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tiny TPC-H-shaped tables (the columns the query shapes read) from a seeded generator, registered as
 * temporary views: nation, supplier, customer, part, partsupp, orders, lineitem.
 */
final class TpchTables {
    private static final String[] SEGMENTS = {"AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"};
    private static final String[] PRIORITIES = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
    private static final String[] COMMENTS = {"quickly final requests", "special packages requests sleep",
        "Customer slyly Complaints about", "furiously regular deposits", "carefully ironic accounts", ""};

    private TpchTables() {}

    static void register(SparkSession session, long seed) {
        System.out.println("TPC-H-shaped tables seed: " + seed);
        Random random = new Random(seed);
        int nations = 25;
        int suppliers = 20;
        int customers = 150;
        int parts = 100;
        int orders = 600;
        view(session, "nation", new StructType().add("n_nationkey", DataTypes.IntegerType)
                .add("n_name", DataTypes.StringType), rows(nations, i -> new Object[] {i, "NATION" + i}));
        view(session, "supplier", new StructType().add("s_suppkey", DataTypes.IntegerType)
                .add("s_name", DataTypes.StringType).add("s_nationkey", DataTypes.IntegerType)
                .add("s_comment", DataTypes.StringType),
                rows(suppliers, i -> new Object[] {i, "Supplier#" + i, random.nextInt(nations),
                    COMMENTS[random.nextInt(COMMENTS.length)]}));
        view(session, "customer", new StructType().add("c_custkey", DataTypes.IntegerType)
                .add("c_name", DataTypes.StringType).add("c_nationkey", DataTypes.IntegerType)
                .add("c_phone", DataTypes.StringType).add("c_acctbal", DataTypes.createDecimalType(12, 2))
                .add("c_mktsegment", DataTypes.StringType),
                rows(customers, i -> new Object[] {i, "Customer#" + i, random.nextInt(nations),
                    (10 + random.nextInt(20)) + "-" + (100 + random.nextInt(900)),
                    money(random, -999, 9999), SEGMENTS[random.nextInt(SEGMENTS.length)]}));
        view(session, "part", new StructType().add("p_partkey", DataTypes.IntegerType)
                .add("p_brand", DataTypes.StringType).add("p_type", DataTypes.StringType)
                .add("p_size", DataTypes.IntegerType),
                rows(parts, i -> new Object[] {i, "Brand#" + (1 + random.nextInt(5)) + (1 + random.nextInt(5)),
                    (random.nextBoolean() ? "STANDARD " : "MEDIUM POLISHED ") + (random.nextBoolean() ? "TIN" : "BRASS"),
                    1 + random.nextInt(50)}));
        view(session, "partsupp", new StructType().add("ps_partkey", DataTypes.IntegerType)
                .add("ps_suppkey", DataTypes.IntegerType),
                rows(parts * 4, i -> new Object[] {i / 4, (i * 7 + i / 4) % suppliers}));
        List<Row> orderRows = new ArrayList<>();
        List<Row> lineRows = new ArrayList<>();
        LocalDate start = LocalDate.of(1992, 1, 1);
        for (int o = 0; o < orders; o++) {
            LocalDate orderDate = start.plusDays(random.nextInt(2400));
            // a third of the customers place no order (Q13's zero counts, Q22's NOT EXISTS)
            int customer = random.nextInt(customers / 3 * 2) * 3 / 2;
            orderRows.add(RowFactory.create(o, customer, random.nextBoolean() ? "F" : "O", money(random, 1000, 400000),
                    Date.valueOf(orderDate), PRIORITIES[random.nextInt(PRIORITIES.length)],
                    COMMENTS[random.nextInt(COMMENTS.length)]));
            int lines = 1 + random.nextInt(7);
            for (int l = 0; l < lines; l++) {
                LocalDate ship = orderDate.plusDays(1 + random.nextInt(120));
                LocalDate commit = orderDate.plusDays(30 + random.nextInt(60));
                LocalDate receipt = ship.plusDays(1 + random.nextInt(30));
                lineRows.add(RowFactory.create(o, random.nextInt(parts), random.nextInt(suppliers), l + 1,
                        BigDecimal.valueOf(1 + random.nextInt(50)).setScale(2), money(random, 900, 100000),
                        BigDecimal.valueOf(random.nextInt(11), 2), BigDecimal.valueOf(random.nextInt(9), 2),
                        random.nextInt(3) == 0 ? "R" : random.nextBoolean() ? "A" : "N", random.nextBoolean() ? "O" : "F",
                        Date.valueOf(ship), Date.valueOf(commit), Date.valueOf(receipt)));
            }
        }
        view(session, "orders", new StructType().add("o_orderkey", DataTypes.IntegerType)
                .add("o_custkey", DataTypes.IntegerType).add("o_orderstatus", DataTypes.StringType)
                .add("o_totalprice", DataTypes.createDecimalType(12, 2)).add("o_orderdate", DataTypes.DateType)
                .add("o_orderpriority", DataTypes.StringType).add("o_comment", DataTypes.StringType), orderRows);
        view(session, "lineitem", new StructType().add("l_orderkey", DataTypes.IntegerType)
                .add("l_partkey", DataTypes.IntegerType).add("l_suppkey", DataTypes.IntegerType)
                .add("l_linenumber", DataTypes.IntegerType).add("l_quantity", DataTypes.createDecimalType(12, 2))
                .add("l_extendedprice", DataTypes.createDecimalType(12, 2))
                .add("l_discount", DataTypes.createDecimalType(12, 2)).add("l_tax", DataTypes.createDecimalType(12, 2))
                .add("l_returnflag", DataTypes.StringType).add("l_linestatus", DataTypes.StringType)
                .add("l_shipdate", DataTypes.DateType).add("l_commitdate", DataTypes.DateType)
                .add("l_receiptdate", DataTypes.DateType), lineRows);
    }

    private interface RowMaker {
        Object[] make(int index);
    }

    private static List<Row> rows(int count, RowMaker maker) {
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(RowFactory.create(maker.make(i)));
        }
        return rows;
    }

    private static BigDecimal money(Random random, int low, int high) {
        return BigDecimal.valueOf((long) low * 100 + random.nextInt((high - low) * 100), 2);
    }

    private static void view(SparkSession session, String name, StructType schema, List<Row> rows) {
        session.createDataFrame(rows, schema).repartition(2).createOrReplaceTempView(name);
    }
}
