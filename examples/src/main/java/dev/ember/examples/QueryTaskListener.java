package dev.ember.examples;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.collection.Iterator;

/**
 * Records, per query, which executors ran its tasks and how many shuffle blocks its tasks read from their own
 * executor and from other executors. A query's jobs are recognised by the local property {@link #QUERY}, which
 * Spark hands on to the jobs it starts for the query in other threads (broadcasts, adaptive query stages).
 *
 * <p>Spark delivers listener events on its own thread, after the action that caused them returned; {@link
 * #awaitJobEnd} waits for the end of a given job, and because Spark delivers one listener's events in the order
 * they happened, every event of the jobs started before it has been seen by then.
 */
final class QueryTaskListener extends SparkListener {
    /** The local property that names the query of the jobs started by a thread. */
    static final String QUERY = "ember.example.query";
    /** The local property that marks a job whose end {@link #awaitJobEnd} waits for. */
    static final String MARKER = "ember.example.marker";

    /** What the tasks of one query did. */
    static final class QueryTasks {
        final Set<String> executors = new TreeSet<>();
        long remoteBlocks;
        long localBlocks;
        int tasks;
    }

    private final Map<Integer, String> queryOfStage = new ConcurrentHashMap<>();
    private final Map<String, QueryTasks> tasksOfQuery = new ConcurrentHashMap<>();
    private final Map<String, Integer> markerJobs = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> markerEnds = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        Properties properties = jobStart.properties();
        if (properties == null) {
            return;
        }
        String marker = properties.getProperty(MARKER);
        if (marker != null) {
            markerJobs.put(marker, jobStart.jobId());
        }
        String query = properties.getProperty(QUERY);
        if (query != null) {
            Iterator<Object> stageIds = jobStart.stageIds().iterator();
            while (stageIds.hasNext()) {
                queryOfStage.put((Integer) stageIds.next(), query);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        String query = queryOfStage.get(taskEnd.stageId());
        if (query == null) {
            return;
        }
        QueryTasks tasks = tasksOfQuery.computeIfAbsent(query, name -> new QueryTasks());
        synchronized (tasks) {
            tasks.tasks++;
            tasks.executors.add(taskEnd.taskInfo().executorId());
            TaskMetrics metrics = taskEnd.taskMetrics();
            if (metrics != null) {
                ShuffleReadMetrics read = metrics.shuffleReadMetrics();
                tasks.remoteBlocks += read.remoteBlocksFetched();
                tasks.localBlocks += read.localBlocksFetched();
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        for (Map.Entry<String, Integer> marker : markerJobs.entrySet()) {
            if (marker.getValue() == jobEnd.jobId()) {
                markerEnds.computeIfAbsent(marker.getKey(), name -> new CountDownLatch(1)).countDown();
            }
        }
    }

    /**
     * Waits until this listener saw the end of the job started with local property {@link #MARKER} set to
     * {@code marker}.
     *
     * @return false if it did not end within {@code timeoutSeconds}
     */
    boolean awaitJobEnd(String marker, long timeoutSeconds) throws InterruptedException {
        return markerEnds.computeIfAbsent(marker, name -> new CountDownLatch(1)).await(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** What the tasks of {@code query} did so far; a copy. */
    QueryTasks tasksOf(String query) {
        QueryTasks tasks = tasksOfQuery.computeIfAbsent(query, name -> new QueryTasks());
        synchronized (tasks) {
            QueryTasks copy = new QueryTasks();
            copy.executors.addAll(tasks.executors);
            copy.remoteBlocks = tasks.remoteBlocks;
            copy.localBlocks = tasks.localBlocks;
            copy.tasks = tasks.tasks;
            return copy;
        }
    }
}
