package dev.ember.exec.scan;

import java.util.Map;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Binds a Parquet scan's relation to a clone of its session in which Spark's vectorized reader keeps
 * its column vectors off-heap and reads batches of Ember's size.
 *
 * <p>Spark's {@code ParquetFileFormat} takes those settings from the relation's session when the scan
 * builds its reader, so a clone (every other setting kept, the user's session untouched) is the one
 * place to change them for this scan alone. In the clone:
 * <ul>
 *   <li>{@code spark.sql.columnVector.offheap.enabled=true}: values at native addresses, for bulk copies;</li>
 *   <li>{@code spark.sql.parquet.columnarReaderBatchSize}: the rows of one Ember batch, so that one reader
 *       batch becomes one Ember batch;</li>
 *   <li>{@code parquet.page.verify-checksum.enabled=true} unless the session sets it: pages whose bytes
 *       were damaged fail with a checksum error naming the file instead of decoding into wrong values
 *       (Spark's writer stores page checksums).</li>
 * </ul>
 * Called on the driver while planning.
 */
public final class ParquetReaderSession {
    static final String VERIFY_CHECKSUMS = "parquet.page.verify-checksum.enabled";

    private ParquetReaderSession() {}

    /** A copy of {@code scan} reading through a reader session with batches of {@code batchRows} rows. */
    public static FileSourceScanExec bind(FileSourceScanExec scan, int batchRows) {
        HadoopFsRelation relation = scan.relation();
        org.apache.spark.sql.classic.SparkSession session =
                (org.apache.spark.sql.classic.SparkSession) relation.sparkSession();
        org.apache.spark.sql.classic.SparkSession reader = session.cloneSession();
        SQLConf conf = reader.sessionState().conf();
        conf.setConfString("spark.sql.columnVector.offheap.enabled", "true");
        conf.setConfString("spark.sql.parquet.columnarReaderBatchSize", Integer.toString(batchRows));
        if (!conf.contains(VERIFY_CHECKSUMS)
                && session.sparkContext().hadoopConfiguration().get(VERIFY_CHECKSUMS) == null) {
            conf.setConfString(VERIFY_CHECKSUMS, "true");
        }
        HadoopFsRelation bound = relation.copy(relation.location(), relation.partitionSchema(),
                relation.dataSchema(), relation.bucketSpec(), relation.fileFormat(), relation.options(), reader);
        return (FileSourceScanExec) ScanArguments.replace(scan, Map.of("relation", bound));
    }
}
