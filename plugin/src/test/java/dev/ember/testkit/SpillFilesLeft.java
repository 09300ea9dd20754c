package dev.ember.testkit;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;

/** The spill files Ember left in Spark's local directories (temporary local blocks), for after-query checks. */
public final class SpillFilesLeft {
    private SpillFilesLeft() {}

    /** The paths of every temporary local block of this JVM's block manager: none once every spill is deleted. */
    public static List<String> paths() {
        List<String> left = new ArrayList<>();
        for (File file : scala.jdk.javaapi.CollectionConverters.asJava(
                SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
            if (file.getName().startsWith("temp_local_")) {
                left.add(file.getPath());
            }
        }
        return left;
    }
}
