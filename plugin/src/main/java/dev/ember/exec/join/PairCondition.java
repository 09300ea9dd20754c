package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * A join's extra condition over candidate pairs of stream and build rows, shared by the hash joins' probe
 * ({@link JoinStream}) and the nested loop join ({@link NestedLoopJoin}): only the columns the condition
 * reads are gathered for the pairs, in its order (the left output's, then the right's), and a null result
 * counts as false, as in Spark.
 */
final class PairCondition {
    private PairCondition() {}

    /**
     * Sets {@code passes[i]} for the first {@code pairs} pairs when pair i makes {@code spec}'s condition
     * true.
     *
     * @param gather gathers the pairs' rows of the given columns, of the stream side when its second argument
     *     is true; the caller's gathers decide the pairs and own what they allocate until returned here, which
     *     closes them
     */
    static void evaluate(JoinSpec spec, List<FieldVector> streamColumns, List<FieldVector> buildColumns, int pairs,
            BiFunction<List<FieldVector>, Boolean, List<FieldVector>> gather, Device device, BufferAllocator allocator,
            boolean[] passes) {
        int leftCount = spec.buildLeft() ? buildColumns.size() : streamColumns.size();
        int[] read = spec.conditionColumns();
        List<FieldVector> streamRead = new ArrayList<>();
        List<FieldVector> buildRead = new ArrayList<>();
        boolean[] fromStream = new boolean[read.length];
        for (int i = 0; i < read.length; i++) {
            boolean left = read[i] < leftCount;
            int position = left ? read[i] : read[i] - leftCount;
            fromStream[i] = left != spec.buildLeft();
            (fromStream[i] ? streamRead : buildRead).add((fromStream[i] ? streamColumns : buildColumns).get(position));
        }
        List<FieldVector> streamSide = gather.apply(streamRead, true);
        List<FieldVector> buildSide = null;
        List<FieldVector> result = null;
        try {
            buildSide = gather.apply(buildRead, false);
            List<FieldVector> joined = new ArrayList<>(read.length);
            int nextStream = 0;
            int nextBuild = 0;
            for (boolean stream : fromStream) {
                joined.add(stream ? streamSide.get(nextStream++) : buildSide.get(nextBuild++));
            }
            result = spec.condition().evaluate(joined, pairs, device, allocator);
            BitVector condition = (BitVector) result.get(0);
            for (int i = 0; i < pairs; i++) {
                passes[i] = !condition.isNull(i) && condition.get(i) != 0;
            }
        } finally {
            ArrowBatches.closeAll(streamSide);
            if (buildSide != null) {
                ArrowBatches.closeAll(buildSide);
            }
            if (result != null) {
                ArrowBatches.closeAll(result);
            }
        }
    }
}
