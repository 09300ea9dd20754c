package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.config.EmberConf;
import dev.ember.exec.Seqs;
import dev.ember.exec.scan.EmberParquetScanExec;
import dev.ember.exec.scan.ParquetReaderSession;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructField;

/**
 * {@code FileSourceScanExec} over Parquet → {@link EmberParquetScanExec}: Spark plans and decodes, Ember
 * copies the decoded columns into Arrow in bulk. Other file formats, bucketed scans, file metadata
 * columns and scans Spark itself reads row by row stay in Spark.
 */
public final class FileSourceScanRule extends ExecRule<FileSourceScanExec> {

    public FileSourceScanRule() {
        super(FileSourceScanExec.class, "EmberParquetScanExec", "Parquet only, through Spark's vectorized reader"
                + " (so every Spark Parquet option, pushed filter, partition pruning (static and dynamic) and file"
                + " split applies) with off-heap vectors copied into Arrow in bulk; page checksums verified unless"
                + " parquet.page.verify-checksum.enabled is set; other formats, bucketed scans, _metadata and row-index"
                + " columns, and scans Spark reads row by row stay in Spark");
    }

    /** Spark names a Parquet scan {@code Scan parquet}, followed by the table's name where it has one. */
    @Override
    public String planNodeName() {
        return "Scan parquet";
    }

    @Override
    protected SupportLevel supportOf(FileSourceScanExec plan, PlanContext context) {
        if (plan.relation().fileFormat().getClass() != ParquetFileFormat.class) {
            return SupportLevel.unsupported("Ember reads Parquet files only; this scan reads "
                    + plan.relation().fileFormat().getClass().getSimpleName());
        }
        for (Attribute attribute : Seqs.toList(plan.output())) {
            if (isMetadataColumn(attribute)) {
                return SupportLevel.unsupported("file metadata column " + attribute.name() + " (_metadata or row"
                        + " index) is not read by Ember's Parquet scan");
            }
        }
        for (StructField field : plan.requiredSchema().fields()) {
            if (field.name().equals(ParquetFileFormat.ROW_INDEX_TEMPORARY_COLUMN_NAME())) {
                return SupportLevel.unsupported("the Parquet row index column is not read by Ember's Parquet scan");
            }
        }
        if (plan.bucketedScan()) {
            return SupportLevel.unsupported("bucketed scans stay in Spark (Ember does not keep the bucket layout);"
                    + " spark.sql.sources.bucketing.enabled=false reads the table unbucketed");
        }
        if (!plan.supportsColumnar()) {
            return SupportLevel.unsupported("Spark reads this Parquet scan row by row (vectorized reader off, whole-"
                    + "stage code generation off, or more columns than spark.sql.codegen.maxFields), and Ember copies"
                    + " the vectorized reader's batches");
        }
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(FileSourceScanExec plan, List<SparkPlan> children, PlanContext context) {
        FileSourceScanExec bound = ParquetReaderSession.bind(plan, readerBatchRows(plan, context.conf()));
        return new EmberParquetScanExec(bound, bound.partitionFilters(), bound.dataFilters());
    }

    /** Ember's batch size in rows, fewer where Spark's estimate of the row width says the bytes limit comes first. */
    static int readerBatchRows(FileSourceScanExec plan, EmberConf conf) {
        long rowBytes = 0;
        for (Attribute attribute : Seqs.toList(plan.output())) {
            rowBytes += attribute.dataType().defaultSize();
        }
        long byBytes = conf.get(EmberConf.BATCH_SIZE_BYTES) / Math.max(rowBytes, 1);
        return (int) Math.max(1, Math.min(conf.get(EmberConf.BATCH_SIZE_ROWS), byBytes));
    }

    private static boolean isMetadataColumn(Attribute attribute) {
        // FileSourceMetadataAttribute and its constant and generated fields mark themselves in the metadata
        for (String key : new String[] {"__metadata_col", "__file_source_metadata_col",
                "__file_source_constant_metadata_col", "__file_source_generated_metadata_col"}) {
            if (attribute.metadata().contains(key)) {
                return true;
            }
        }
        return false;
    }
}
